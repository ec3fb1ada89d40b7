package io.twisterlab.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.twisterlab.core.internal.Closest;
import io.twisterlab.server.config.Redaction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.jspecify.annotations.Nullable;

/**
 * What start-up logs about the configuration: one warning per {@code TWISTERLAB_*} variable that is no setting (a
 * typo, with the closest known name), and one line per setting that is not at its default, saying where it came
 * from (file, env, flag), secrets redacted by {@link Redaction}.
 */
final class SettingsReport {
    /** Variables read outside {@link Settings}: the configuration file and Logback's level. */
    static final Set<String> OTHER_VARIABLES = Set.of("TWISTERLAB_CONFIG", "TWISTERLAB_LOG_LEVEL");
    /** {@code TWISTERLAB_AGENTS_*}: agent settings, passed to the agents, which judge them. */
    static final String AGENT_PREFIX = "TWISTERLAB_AGENTS_";

    private SettingsReport() {
    }

    /** One message per unknown {@code TWISTERLAB_*} variable, sorted, naming the closest known variable. */
    static List<String> unknownVariables(Map<String, String> env) {
        List<String> known = new ArrayList<>(OTHER_VARIABLES);
        for (Settings.Setting s : Settings.all()) {
            if (s.env() != null) {
                known.add(s.env());
            }
        }
        List<String> messages = new ArrayList<>();
        for (String name : new TreeMap<>(env).keySet()) {
            if (!name.startsWith("TWISTERLAB_") || name.startsWith(AGENT_PREFIX) || known.contains(name)) {
                continue;
            }
            String closest = Closest.to(name, known).orElseThrow();
            messages.add("environment variable " + name + " is not a TwisterLab setting and is ignored: did you mean "
                    + closest + "? (see --help)");
        }
        return messages;
    }

    /**
     * The settings in force: one line per setting that does not have its default, {@code setting key=value
     * (source)} where the source is "flag", "env" or "file" (plus {@code agents.*} variables from
     * the environment and the YAML-only lists when the file has them), then one summary line. Secrets, user hashes
     * and URL credentials are redacted.
     */
    static List<String> describe(Map<String, String> env, Map<String, String> flags) {
        Path file = configFile(env, flags);
        Map<String, String> fromFile = file == null ? Map.of() : readYaml(file);
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> sources = new LinkedHashMap<>();
        for (Settings.Setting s : Settings.all()) {
            String envValue = s.env() == null ? null : env.get(s.env());
            if (flags.containsKey(s.key())) {
                put(values, sources, s.key(), flags.get(s.key()), "flag");
            } else if (envValue != null && !envValue.isBlank()) {
                put(values, sources, s.key(), envValue, "env");
            } else if (fromFile.containsKey(s.key())) {
                put(values, sources, s.key(), fromFile.get(s.key()), "file");
            }
        }
        fromFile.forEach((key, value) -> {
            if (!values.containsKey(key)) {
                put(values, sources, key, value, "file");
            }
        });
        new TreeMap<>(env).forEach((name, value) -> {
            if (name.startsWith(AGENT_PREFIX) && !value.isBlank()) {
                String key = "agents." + name.substring(AGENT_PREFIX.length()).toLowerCase(Locale.ROOT)
                        .replaceFirst("_enabled$", ".enabled");
                put(values, sources, key, value, "env");
            }
        });
        Map<String, String> shown = Redaction.settings(values);
        List<String> lines = new ArrayList<>();
        for (String key : values.keySet()) {
            String value = values.get(key).isEmpty() ? "" : Redaction.message(shown.get(key));
            String source = Objects.requireNonNull(sources.get(key), key); // every value has its source
            lines.add("setting " + key + "=" + value + " (" + source + ")");
        }
        lines.add("settings in force" + (file == null ? "" : " (configuration file " + file + ")") + ": "
                + (values.isEmpty() ? "all defaults" : values.size() + " set as above, every other one its default")
                + " (java -jar twisterlab-server.jar --help lists the settings and their defaults)");
        return lines;
    }

    private static void put(Map<String, String> values, Map<String, String> sources, String key, String value,
            String source) {
        values.put(key, value);
        sources.put(key, source);
    }

    private static @Nullable Path configFile(Map<String, String> env, Map<String, String> flags) {
        String name = flags.get("config.file");
        if (name == null || name.isBlank()) {
            name = env.get("TWISTERLAB_CONFIG");
        }
        return name == null || name.isBlank() ? null : Path.of(name.strip());
    }

    /** The file's settings as dotted keys; lists joined by commas. Read after the binder accepted the file. */
    private static Map<String, String> readYaml(Path file) {
        Map<String, String> out = new LinkedHashMap<>();
        try {
            JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(Files.readAllBytes(file));
            if (root != null && root.isObject()) {
                walk("", root, out);
            }
        } catch (IOException | RuntimeException e) {
            // the binder has read it already; nothing more to say here
        }
        return out;
    }

    private static void walk(String prefix, JsonNode node, Map<String, String> out) {
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            String key = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
            JsonNode child = field.getValue();
            if (key.equals("access.overrides") || key.equals("ratelimit.rules")) {
                out.put(key, child.size() + " entries");
            } else if (child.isObject()) {
                walk(key, child, out);
            } else if (child.isArray()) {
                out.put(key, StreamSupport.stream(child.spliterator(), false).map(JsonNode::asText)
                        .collect(Collectors.joining(",")));
            } else if (!child.isNull()) {
                out.put(key, child.asText());
            }
        }
    }
}
