package io.twisterlab.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.twisterlab.ratelimit.FailurePolicy;
import io.twisterlab.ratelimit.Limit;
import io.twisterlab.ratelimit.StoreKind;
import io.twisterlab.ratelimit.http.ClientIpResolver;
import io.twisterlab.ratelimit.redis.RedisEndpoint;
import io.twisterlab.ratelimit.redis.RedisStore;
import io.twisterlab.server.ConfigException;
import io.twisterlab.server.ServerConfig;
import io.twisterlab.server.ServerConfig.AccessOverride;
import io.twisterlab.server.ServerConfig.ApiKey;
import io.twisterlab.server.ServerConfig.RateLimitRule;
import io.twisterlab.server.ServerConfig.Role;
import io.twisterlab.server.ServerConfig.User;
import io.twisterlab.server.Settings;
import io.twisterlab.server.Settings.Setting;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Binds merged settings to the typed {@link ServerConfig}: each setting is parsed once, by the parser that owns it
 * (the ratelimit module's {@link Limit}, {@link StoreKind}, {@link FailurePolicy} and {@link ClientIpResolver}), and
 * every failure is a {@link ConfigException} naming the setting and its environment variable. Agent settings
 * ({@link Settings#isAgentSetting}) are passed through to the providers, which validate them; only what the server
 * itself depends on is checked here ({@code redis.url}, booleans such as {@code agents.<name>.enabled}); the other
 * {@code agents.<name>.<key>} values are passed as they are, for the provider to validate.
 */
final class ConfigBinder {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");
    private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]\\$\\d{2}\\$[./A-Za-z0-9]{53}");
    /** Agent settings that are booleans: normalised to {@code true}/{@code false} for the providers. */
    private static final Set<String> AGENT_BOOLEANS = Set.of("database.allow_privileged_account");

    private final Map<String, Object> values;
    private final @Nullable Path file;

    ConfigBinder(Map<String, Object> values, @Nullable Path file) {
        this.values = values;
        this.file = file;
    }

    ServerConfig bind() {
        String host = str("server.host");
        if (host.isBlank() || !host.matches("[A-Za-z0-9.:\\[\\]_-]{1,253}")) {
            throw invalid("server.host", "'" + host + "' is not a host name or IP address");
        }
        int port = (int) integer("server.port", 0, 65535);
        long bodyLimit = integer("server.body_limit", 1, 64L << 20);
        Duration shutdown = Duration.ofMillis(integer("server.shutdown_timeout_ms", 0, 600_000));
        Duration execution = Duration.ofMillis(integer("server.execution_timeout_ms", 1, 3_600_000));
        List<String> cors = list("server.cors_origins");
        for (String origin : cors) {
            if (!origin.matches("https?://[A-Za-z0-9.-]+(:\\d{1,5})?")) {
                throw invalid("server.cors_origins", "'" + origin + "' is not an origin like https://example.com");
            }
        }
        ServerConfig.ReadyRequires readyRequires = parse("server.ready_requires", ServerConfig.ReadyRequires::parse);
        String redisUrl = str("redis.url");
        if (!redisUrl.isEmpty()) {
            try {
                RedisEndpoint.parse(redisUrl);
            } catch (IllegalArgumentException e) {
                // the parser's messages never quote the credentials
                throw invalid("redis.url", String.valueOf(e.getMessage()));
            }
        }
        ServerConfig.RateLimit rateLimit = rateLimit(redisUrl);
        for (String backend : List.of("agents.cache.backend", "cache.backend")) {
            if (str(backend).equalsIgnoreCase("redis") && redisUrl.isEmpty()) {
                throw invalid("redis.url", "is required when " + backend + " ("
                        + Settings.find(backend).map(Setting::env).orElse("TWISTERLAB_AGENTS_CACHE_BACKEND")
                        + ") is redis");
            }
        }
        if (readyRequires.ratelimit() && !rateLimit.enabled()) {
            throw invalid("server.ready_requires", "names ratelimit but ratelimit.enabled "
                    + "(TWISTERLAB_RATELIMIT_ENABLED) is false");
        }
        ServerConfig.LogFormat logFormat = parse("log.format", ConfigBinder::logFormat);
        return new ServerConfig(host, port, bodyLimit, shutdown, execution, cors, readyRequires,
                bool("server.docs_enabled"), auth(host), rateLimit,
                overrides(),
                agentConfig(), logFormat, pluginsDir(), file);
    }

    private ServerConfig.Auth auth(String host) {
        String mode = str("auth.mode").strip().toLowerCase(Locale.ROOT);
        if (!mode.equals("enabled") && !mode.equals("disabled")) {
            throw invalid("auth.mode", "expected enabled or disabled, got '" + mode + "'");
        }
        boolean authEnabled = mode.equals("enabled");
        if (!authEnabled && !ServerConfig.isLoopback(host)) {
            throw invalid("auth.mode", "auth may only be disabled when server.host (TWISTERLAB_HOST) is a "
                    + "loopback address such as 127.0.0.1, not '" + host + "'");
        }
        String jwtSecret = str("auth.jwt_secret");
        if (!jwtSecret.isEmpty() && jwtSecret.length() < ServerConfig.Auth.MIN_JWT_SECRET_LENGTH) {
            throw invalid("auth.jwt_secret", "must be at least " + ServerConfig.Auth.MIN_JWT_SECRET_LENGTH
                    + " characters");
        }
        Duration jwtTtl = Duration.ofSeconds(integer("auth.jwt_ttl_seconds", 1, 86_400));
        return new ServerConfig.Auth(authEnabled, apiKeys(), users(), jwtSecret.isEmpty() ? null : jwtSecret, jwtTtl,
                limits("auth.login_limit", str("auth.login_limit")));
    }

    private ServerConfig.RateLimit rateLimit(String redisUrl) {
        StoreKind store = parse("ratelimit.store", StoreKind::parse);
        if (store == StoreKind.REDIS && redisUrl.isEmpty()) {
            throw invalid("redis.url", "is required when ratelimit.store (TWISTERLAB_RATELIMIT_STORE) is redis");
        }
        List<String> proxies = list("ratelimit.trusted_proxies");
        for (String cidr : proxies) {
            try {
                ClientIpResolver.of(cidr);
            } catch (IllegalArgumentException e) {
                throw invalid("ratelimit.trusted_proxies", "'" + cidr + "' is not a CIDR like 10.0.0.0/8 or ::1/128");
            }
        }
        return new ServerConfig.RateLimit(bool("ratelimit.enabled"), store,
                limits("ratelimit.default", str("ratelimit.default")),
                parse("ratelimit.failure_policy", FailurePolicy::parse), share("ratelimit.fallback_share"), proxies,
                parse("ratelimit.forwarded_header", ConfigBinder::forwardedHeader), bool("ratelimit.shadow"),
                bool("ratelimit.legacy_headers"),
                Duration.ofMillis(integer("ratelimit.redis_timeout_ms", 1, 60_000)),
                (int) integer("ratelimit.redis_max_batch", 1, RedisStore.MAX_BATCH_SIZE),
                (int) integer("ratelimit.memory_max_keys", ServerConfig.RateLimit.MIN_MEMORY_MAX_KEYS, 100_000_000),
                rules());
    }

    private Path pluginsDir() {
        String dir = str("server.plugins_dir");
        if (dir.isEmpty()) {
            throw invalid("server.plugins_dir", "must not be empty (a folder that does not exist means no plugins)");
        }
        try {
            return Path.of(dir);
        } catch (InvalidPathException e) {
            throw invalid("server.plugins_dir", "'" + dir + "' is not a path: " + e.getReason());
        }
    }

    /** Agent settings as they are (stripped), defaults included; booleans normalised. */
    private Map<String, String> agentConfig() {
        Map<String, String> agentConfig = new LinkedHashMap<>();
        for (Setting s : Settings.all()) {
            String v = str(s.key());
            if (Settings.isAgentSetting(s.key()) && !v.isEmpty()) {
                agentConfig.put(s.key(), AGENT_BOOLEANS.contains(s.key()) ? String.valueOf(bool(s.key())) : v);
            }
        }
        for (String key : values.keySet()) {
            if (Settings.isAgentEnabled(key)) {
                agentConfig.put(key, String.valueOf(bool(key)));
            } else if (key.startsWith("agents.")) {
                agentConfig.put(key, str(key));
            }
        }
        return agentConfig;
    }

    private ConfigException invalid(String key, String message) {
        String env = Settings.find(key).map(Setting::env).map(e -> " (" + e + ")").orElse("");
        return new ConfigException(key, "invalid setting " + key + env + ": " + message);
    }

    private String str(String key) {
        Object v = values.get(key);
        if (v == null) {
            return Settings.find(key).map(Setting::defaultValue).orElse("");
        }
        if (v instanceof List<?> l) {
            return String.join(",", l.stream().map(String::valueOf).toList());
        }
        return String.valueOf(v).strip();
    }

    private List<String> list(String key) {
        Object v = values.get(key);
        List<String> raw;
        if (v instanceof List<?> l) {
            raw = l.stream().map(String::valueOf).toList();
        } else {
            raw = List.of(str(key).split(","));
        }
        return raw.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    private long integer(String key, long min, long max) {
        String v = str(key);
        long n;
        try {
            n = Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw invalid(key, "expected an integer, got '" + v + "'");
        }
        if (n < min || n > max) {
            throw invalid(key, "must be between " + min + " and " + max + ", got " + n);
        }
        return n;
    }

    private double share(String key) {
        String v = str(key);
        double d;
        try {
            d = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw invalid(key, "expected a number, got '" + v + "'");
        }
        if (!(d > 0 && d <= 1)) {
            throw invalid(key, "must be greater than 0 and at most 1, got " + v);
        }
        return d;
    }

    private boolean bool(String key) {
        String v = str(key).toLowerCase(Locale.ROOT);
        return switch (v) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw invalid(key, "expected true or false, got '" + v + "'");
        };
    }

    /** A value through its owner's parser, whose message (naming the accepted values) is kept. */
    private <T> T parse(String key, Function<String, T> parser) {
        try {
            return parser.apply(str(key));
        } catch (IllegalArgumentException e) {
            throw invalid(key, Objects.requireNonNullElse(e.getMessage(), "invalid value"));
        }
    }

    private static ServerConfig.LogFormat logFormat(String value) {
        return ServerConfig.LogFormat.valueOf(oneOf(value, "text", "json").toUpperCase(Locale.ROOT));
    }

    private static ClientIpResolver.Header forwardedHeader(String value) {
        return oneOf(value, "x-forwarded-for", "forwarded").equals("forwarded") ? ClientIpResolver.Header.FORWARDED
                : ClientIpResolver.Header.X_FORWARDED_FOR;
    }

    private static String oneOf(String value, String... allowed) {
        String v = value.toLowerCase(Locale.ROOT).replace('_', '-');
        for (String a : allowed) {
            if (a.equals(v)) {
                return a;
            }
        }
        throw new IllegalArgumentException("expected one of " + String.join(", ", allowed) + ", got '" + value + "'");
    }

    private List<Limit> limits(String key, String spec) {
        if (spec.isBlank()) {
            throw invalid(key, "expected limits like 100/1m or 10/1s,1000/1h, got an empty value");
        }
        return parse(key, s -> Limit.parseAll(spec));
    }

    private Role role(String key, String value) {
        try {
            return Role.parse(value);
        } catch (IllegalArgumentException e) {
            throw invalid(key, Objects.requireNonNullElse(e.getMessage(), "invalid value"));
        }
    }
    private List<ApiKey> apiKeys() {
        List<ApiKey> keys = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (String entry : list("auth.api_keys")) {
            String[] p = entry.split(":", -1);
            if (p.length != 3 || !NAME.matcher(p[0]).matches() || !SHA256_HEX.matcher(p[2]).matches()) {
                String shown = p.length > 0 && NAME.matcher(p[0]).matches() ? "for '" + p[0] + "'" : "";
                throw invalid("auth.api_keys", "each entry must be name:role:sha256hex (64 hex digits; "
                        + "create one with 'java -jar twisterlab-server.jar keygen') " + shown);
            }
            if (!names.add(p[0])) {
                throw invalid("auth.api_keys", "duplicate key name '" + p[0] + "'");
            }
            keys.add(new ApiKey(p[0], role("auth.api_keys", p[1]), p[2].toLowerCase(Locale.ROOT)));
        }
        return keys;
    }

    private List<User> users() {
        List<User> users = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (String entry : list("auth.users")) {
            String[] p = entry.split(":", 3);
            if (p.length != 3 || !NAME.matcher(p[0]).matches() || !BCRYPT.matcher(p[2]).matches()) {
                throw invalid("auth.users", "each entry must be name:role:bcrypt-hash ($2a$, $2b$ or $2y$)");
            }
            if (!names.add(p[0])) {
                throw invalid("auth.users", "duplicate user '" + p[0] + "'");
            }
            users.add(new User(p[0], role("auth.users", p[1]), p[2]));
        }
        return users;
    }

    private List<RateLimitRule> rules() {
        String key = "ratelimit.rules";
        Object raw = values.get(key);
        List<RateLimitRule> rules = new ArrayList<>();
        if (!(raw instanceof JsonNode list) || list.isNull()) {
            return rules;
        }
        Set<String> ids = new HashSet<>();
        int index = 0;
        for (JsonNode item : list) {
            index++;
            String at = key + "[" + index + "]";
            if (!item.isObject()) {
                throw invalid(key, at + " must be a mapping with path and limits");
            }
            for (Map.Entry<String, JsonNode> f : item.properties()) {
                if (!Set.of("id", "path", "methods", "role", "limits", "shadow").contains(f.getKey())) {
                    throw invalid(key, at + " has unknown field '" + f.getKey()
                            + "' (allowed: id, path, methods, role, limits, shadow)");
                }
            }
            String id = item.path("id").asText("rule-" + index);
            if (!NAME.matcher(id).matches() || !ids.add(id)) {
                throw invalid(key, at + " id '" + id + "' must be unique and match " + NAME.pattern());
            }
            String path = item.path("path").asText("");
            if (!path.startsWith("/")) {
                throw invalid(key, at + " needs a path prefix starting with /");
            }
            Set<String> methods = new LinkedHashSet<>();
            for (JsonNode m : item.path("methods")) {
                methods.add(m.asText().toUpperCase(Locale.ROOT));
            }
            Role role = item.hasNonNull("role") ? role(key, item.get("role").asText()) : null;
            List<Limit> limits = limits(key, item.path("limits").asText(""));
            rules.add(new RateLimitRule(id, path, methods, role, limits, item.path("shadow").asBoolean(false)));
        }
        return rules;
    }

    private List<AccessOverride> overrides() {
        String key = "access.overrides";
        Object raw = values.get(key);
        List<AccessOverride> out = new ArrayList<>();
        if (!(raw instanceof JsonNode list) || list.isNull()) {
            return out;
        }
        int index = 0;
        for (JsonNode item : list) {
            index++;
            String at = key + "[" + index + "]";
            String agent = item.path("agent").asText("");
            if (!item.isObject() || agent.isEmpty() || !item.path("roles").isArray()) {
                throw invalid(key, at + " must be a mapping with agent, optional capability and roles: [..]");
            }
            for (Map.Entry<String, JsonNode> f : item.properties()) {
                if (!Set.of("agent", "capability", "roles").contains(f.getKey())) {
                    throw invalid(key, at + " has unknown field '" + f.getKey()
                            + "' (allowed: agent, capability, roles)");
                }
            }
            Set<Role> roles = new LinkedHashSet<>();
            for (JsonNode r : item.path("roles")) {
                roles.add(role(key, r.asText()));
            }
            out.add(new AccessOverride(agent, item.path("capability").asText("*"), roles));
        }
        return out;
    }
}
