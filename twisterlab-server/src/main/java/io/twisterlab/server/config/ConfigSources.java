package io.twisterlab.server.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.twisterlab.server.ConfigException;
import io.twisterlab.server.ServerConfig;
import io.twisterlab.server.Settings;
import io.twisterlab.server.Settings.Setting;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Merges the sources of settings, lowest precedence first: the YAML file, environment variables {@code TWISTERLAB_*},
 * command-line flags (defaults come from {@link Settings} when {@link ConfigBinder} binds). Unknown keys are refused
 * here, naming the key; values are parsed by the binder. Agent settings arrive as {@code agents.<name>.<key>} from
 * YAML ({@code agents: {greeter: {greeting: Hi}}}, lower-cased) and from the environment
 * ({@code TWISTERLAB_AGENTS_GREETER_GREETING}, see {@link Settings#agentKey}).
 */
public final class ConfigSources {

    /** YAML-only structured settings. */
    private static final Set<String> STRUCTURED = Set.of("access.overrides", "ratelimit.rules");
    private static final String AGENTS = "agents.";

    private ConfigSources() {
    }

    /** See {@link ServerConfig#load}. */
    public static ServerConfig load(@Nullable Path file, Map<String, String> env, Map<String, String> flags) {
        Map<String, Object> values = new LinkedHashMap<>();
        Path path = file;
        if (path == null) {
            String name = flags.get("config.file");
            if (name == null || name.isBlank()) {
                name = env.get("TWISTERLAB_CONFIG");
            }
            if (name != null && !name.isBlank()) {
                path = Path.of(name.strip());
            }
        }
        if (path != null) {
            readYaml(path, values);
        }
        for (Setting s : Settings.all()) {
            String v = s.env() == null ? null : env.get(s.env());
            if (v != null && !v.isBlank()) {
                values.put(s.key(), v);
            }
        }
        for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
            Settings.agentKey(e.getKey(), e.getValue()).ifPresent(key -> values.put(key, e.getValue()));
        }
        for (Map.Entry<String, String> e : flags.entrySet()) {
            if (e.getKey().equals("config.file")) {
                continue;
            }
            if (!Settings.isKnown(e.getKey())) {
                throw new ConfigException(e.getKey(), "unknown setting '" + e.getKey() + "'");
            }
            values.put(e.getKey(), e.getValue());
        }
        return new ConfigBinder(values, path).bind();
    }

    private static void readYaml(Path path, Map<String, Object> values) {
        String setting = "config.file";
        JsonNode root;
        try {
            YAMLFactory factory = YAMLFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32)
                            .maxStringLength(1 << 20).build())
                    .build();
            root = new ObjectMapper(factory).readTree(Files.readAllBytes(path));
        } catch (NoSuchFileException e) {
            throw new ConfigException(setting, "configuration file " + path + " (TWISTERLAB_CONFIG / --config) "
                    + "does not exist");
        } catch (JacksonException e) {
            throw new ConfigException(setting, "configuration file " + path + " is not valid YAML: "
                    + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ConfigException(setting, "cannot read configuration file " + path + ": " + e.getMessage());
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return;
        }
        if (!root.isObject()) {
            throw new ConfigException(setting, "configuration file " + path + " must contain a YAML mapping");
        }
        walk("", root, values, path);
    }

    private static void walk(String prefix, JsonNode node, Map<String, Object> values, Path path) {
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            String key = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
            if (key.startsWith(AGENTS)) {
                key = key.toLowerCase(Locale.ROOT); // agents.<name>.<key>: one spelling whatever the source
            }
            JsonNode child = field.getValue();
            if (STRUCTURED.contains(key)) {
                if (!child.isArray() && !child.isNull()) {
                    throw new ConfigException(key, "invalid setting " + key + " in " + path + ": expected a list");
                }
                values.put(key, child);
            } else if (child.isObject()) {
                walk(key, child, values, path);
            } else if (!Settings.isKnown(key)) {
                throw new ConfigException(key, "unknown setting '" + key + "' in " + path);
            } else if (child.isArray()) {
                List<String> items = new ArrayList<>();
                for (JsonNode item : child) {
                    if (!item.isValueNode()) {
                        throw new ConfigException(key, "invalid setting " + key + " in " + path
                                + ": expected a list of strings");
                    }
                    items.add(item.asText());
                }
                values.put(key, items);
            } else if (!child.isNull()) {
                values.put(key, child.asText());
            }
        }
    }
}
