package io.twisterlab.server.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.twisterlab.ratelimit.redis.RedisStore;
import io.twisterlab.server.ConfigException;
import io.twisterlab.server.ServerConfig.AccessOverride;
import io.twisterlab.server.ServerConfig.ApiKey;
import io.twisterlab.server.ServerConfig.RateLimitRule;
import io.twisterlab.server.ServerConfig.Role;
import io.twisterlab.server.ServerConfig.User;
import io.twisterlab.server.ServerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Merges defaults &lt; YAML &lt; environment &lt; flags and validates the result into a {@link ServerConfig}. */
public final class ConfigLoader {

    /**
     * One documented setting.
     *
     * @param key          YAML key
     * @param env          environment variable, or null if YAML/flag only
     * @param defaultValue default, or empty
     * @param description  one line for docs and {@code --help}
     */
    public record Setting(String key, @Nullable String env, String defaultValue, String description) {
    }

    /** Every scalar or list setting, in documentation order. */
    public static final List<Setting> SETTINGS = List.of(
            new Setting("server.host", "TWISTERLAB_HOST", "127.0.0.1", "bind address"),
            new Setting("server.port", "TWISTERLAB_PORT", "8000", "TCP port (0 = random)"),
            new Setting("server.body_limit", "TWISTERLAB_BODY_LIMIT", "1048576", "max request body in bytes"),
            new Setting("server.shutdown_timeout_ms", "TWISTERLAB_SHUTDOWN_TIMEOUT_MS", "10000",
                    "drain time for in-flight requests on shutdown"),
            new Setting("server.execution_timeout_ms", "TWISTERLAB_EXECUTION_TIMEOUT_MS", "30000",
                    "timeout of capabilities that declare none"),
            new Setting("server.cors_origins", "TWISTERLAB_CORS_ORIGINS", "",
                    "comma-separated allowed CORS origins; empty = CORS off"),
            new Setting("auth.mode", "TWISTERLAB_AUTH", "enabled",
                    "enabled | disabled (disabled refused unless server.host is loopback)"),
            new Setting("auth.api_keys", "TWISTERLAB_API_KEYS", "",
                    "comma-separated name:role:sha256hex (role viewer|operator|admin)"),
            new Setting("auth.users", "TWISTERLAB_USERS", "",
                    "comma-separated name:role:bcrypt-hash for POST /api/v1/auth/token"),
            new Setting("auth.jwt_secret", "TWISTERLAB_JWT_SECRET", "",
                    "HMAC secret for tokens, at least 32 characters; empty = random per process"),
            new Setting("auth.jwt_ttl_seconds", "TWISTERLAB_JWT_TTL_SECONDS", "900", "token lifetime"),
            new Setting("auth.login_limit", "TWISTERLAB_LOGIN_LIMIT", "5/1m",
                    "login attempts per client IP, checked before any password"),
            new Setting("ratelimit.enabled", "TWISTERLAB_RATELIMIT_ENABLED", "true", "rate limiting on /api and /mcp"),
            new Setting("ratelimit.store", "TWISTERLAB_RATELIMIT_STORE", "memory", "memory | redis | resilience4j"),
            new Setting("ratelimit.default", "TWISTERLAB_RATELIMIT_DEFAULT", "100/1m",
                    "<permits>/<n>ms|s|m|h|d, several comma-separated"),
            new Setting("ratelimit.failure_policy", "TWISTERLAB_RATELIMIT_FAILURE_POLICY", "local-fallback",
                    "fail-open | fail-closed | local-fallback (when the store is unreachable)"),
            new Setting("ratelimit.fallback_share", "TWISTERLAB_RATELIMIT_FALLBACK_SHARE", "1.0",
                    "share of each limit enforced by the local fallback, e.g. 0.25 for 4 replicas"),
            new Setting("ratelimit.trusted_proxies", "TWISTERLAB_TRUSTED_PROXIES", "",
                    "comma-separated CIDRs whose X-Forwarded-For/Forwarded are believed"),
            new Setting("ratelimit.forwarded_header", "TWISTERLAB_FORWARDED_HEADER", "x-forwarded-for",
                    "x-forwarded-for | forwarded: the header trusted proxies write"),
            new Setting("ratelimit.shadow", "TWISTERLAB_RATELIMIT_SHADOW", "false", "count but never deny"),
            new Setting("ratelimit.legacy_headers", "TWISTERLAB_RATELIMIT_LEGACY_HEADERS", "false",
                    "also send X-RateLimit-Limit/Remaining/Reset"),
            new Setting("ratelimit.redis_timeout_ms", "TWISTERLAB_RATELIMIT_REDIS_TIMEOUT_MS", "200",
                    "bound on every Redis call of the redis store"),
            new Setting("ratelimit.redis_max_batch", "TWISTERLAB_RATELIMIT_REDIS_MAX_BATCH",
                    Integer.toString(RedisStore.DEFAULT_MAX_BATCH_SIZE),
                    "most concurrent decisions one Redis script call carries (1: one call per decision)"),
            new Setting("ratelimit.memory_max_keys", "TWISTERLAB_RATELIMIT_MEMORY_MAX_KEYS", "100000",
                    "cap on clients tracked by the memory store (and the redis store's local fallback)"),
            new Setting("redis.url", "TWISTERLAB_REDIS_URL", "", "redis://host:6379 (rate-limit store and cache)"),
            new Setting("redis.timeout_ms", "TWISTERLAB_REDIS_TIMEOUT_MS", "", "Redis call timeout of the cache agent"),
            new Setting("database.url", "TWISTERLAB_DATABASE_URL", "",
                    "JDBC URL of the database agent; empty = embedded H2"),
            new Setting("database.username", "TWISTERLAB_DATABASE_USERNAME", "", "database user"),
            new Setting("database.password", "TWISTERLAB_DATABASE_PASSWORD", "", "database password (never logged)"),
            new Setting("database.pool_size", "TWISTERLAB_DATABASE_POOL_SIZE", "", "connection pool size"),
            new Setting("database.max_result_bytes", "TWISTERLAB_DATABASE_MAX_RESULT_BYTES", "",
                    "largest execute_query result in bytes (agent default 8388608)"),
            new Setting("database.allow_privileged_account", "TWISTERLAB_DATABASE_ALLOW_PRIVILEGED_ACCOUNT", "",
                    "serve queries as a PostgreSQL superuser or pg_signal_backend/pg_*_server_files member"),
            new Setting("cache.backend", "TWISTERLAB_CACHE_BACKEND", "memory", "memory | redis"),
            new Setting("cache.namespace", "TWISTERLAB_CACHE_NAMESPACE", "", "key prefix of the cache agent"),
            new Setting("cache.max_entries", "TWISTERLAB_CACHE_MAX_ENTRIES", "", "in-memory cache size bound"),
            new Setting("cache.max_bytes", "TWISTERLAB_CACHE_MAX_BYTES", "", "in-memory cache byte bound"),
            new Setting("llm.url", "TWISTERLAB_LLM_URL", "", "LLM endpoint used by Maestro, if any"),
            new Setting("llm.model", "TWISTERLAB_LLM_MODEL", "", "LLM model name"),
            new Setting("llm.timeout_ms", "TWISTERLAB_LLM_TIMEOUT_MS", "", "LLM call timeout"),
            new Setting("log.format", "TWISTERLAB_LOG_FORMAT", "text", "text | json"));

    /** YAML-only structured settings. */
    private static final Set<String> STRUCTURED = Set.of("access.overrides", "ratelimit.rules");
    private static final Pattern AGENT_ENABLED_KEY = Pattern.compile("agents\\.([a-z0-9_-]{1,64})\\.enabled");
    private static final Pattern AGENT_ENABLED_ENV = Pattern.compile("TWISTERLAB_AGENTS_([A-Z0-9_]{1,64})_ENABLED");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");
    private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]\\$\\d{2}\\$[./A-Za-z0-9]{53}");
    private static final Set<String> AGENT_KEYS = Set.of("redis.url", "redis.timeout_ms", "database.url", "database.username",
            "database.password", "database.pool_size", "database.max_result_bytes",
            "database.allow_privileged_account", "cache.backend", "cache.namespace", "cache.max_entries",
            "cache.max_bytes", "llm.url", "llm.model", "llm.timeout_ms");
    private static final Set<String> SECRET_KEYS = Set.of("database.password", "auth.jwt_secret");

    private static final Map<String, Setting> BY_KEY = new LinkedHashMap<>();

    static {
        SETTINGS.forEach(s -> BY_KEY.put(s.key(), s));
    }

    private ConfigLoader() {
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
        for (Setting s : SETTINGS) {
            String v = s.env() == null ? null : env.get(s.env());
            if (v != null && !v.isBlank()) {
                values.put(s.key(), v);
            }
        }
        for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
            Matcher m = AGENT_ENABLED_ENV.matcher(e.getKey());
            if (m.matches() && !e.getValue().isBlank()) {
                values.put("agents." + m.group(1).toLowerCase(Locale.ROOT) + ".enabled", e.getValue());
            }
        }
        for (Map.Entry<String, String> e : flags.entrySet()) {
            if (e.getKey().equals("config.file")) {
                continue;
            }
            if (!isKnownScalar(e.getKey())) {
                throw new ConfigException(e.getKey(), "unknown setting '" + e.getKey() + "'");
            }
            values.put(e.getKey(), e.getValue());
        }
        return new Parser(values, path).parse();
    }

    public static boolean isLoopback(String host) {
        String h = host.strip().toLowerCase(Locale.ROOT);
        if (h.equals("localhost")) {
            return true;
        }
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.matches("127(\\.\\d{1,3}){3}")) {
            return true;
        }
        return h.equals("::1") || h.equals("0:0:0:0:0:0:0:1");
    }

    /** The map with secret values replaced by {@code ***}. */
    public static Map<String, String> redact(Map<String, String> config) {
        Map<String, String> out = new TreeMap<>(config);
        out.replaceAll((k, v) -> SECRET_KEYS.contains(k) || k.contains("password") ? "***" : v);
        return out;
    }

    private static boolean isKnownScalar(String key) {
        return BY_KEY.containsKey(key) || AGENT_ENABLED_KEY.matcher(key).matches();
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
            JsonNode child = field.getValue();
            if (STRUCTURED.contains(key)) {
                if (!child.isArray() && !child.isNull()) {
                    throw new ConfigException(key, "invalid setting " + key + " in " + path + ": expected a list");
                }
                values.put(key, child);
            } else if (child.isObject()) {
                walk(key, child, values, path);
            } else if (!isKnownScalar(key)) {
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

    /** Validates merged values; every failure names the setting. */
    private static final class Parser {
        private final Map<String, Object> values;
        private final @Nullable Path file;

        Parser(Map<String, Object> values, @Nullable Path file) {
            this.values = values;
            this.file = file;
        }

        ServerConfig parse() {
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

            String mode = str("auth.mode").strip().toLowerCase(Locale.ROOT);
            if (!mode.equals("enabled") && !mode.equals("disabled")) {
                throw invalid("auth.mode", "expected enabled or disabled, got '" + mode + "'");
            }
            boolean authEnabled = mode.equals("enabled");
            if (!authEnabled && !isLoopback(host)) {
                throw invalid("auth.mode", "auth may only be disabled when server.host (TWISTERLAB_HOST) is a "
                        + "loopback address such as 127.0.0.1, not '" + host + "'");
            }
            List<ApiKey> keys = apiKeys();
            List<User> users = users();
            String jwtSecret = str("auth.jwt_secret");
            if (!jwtSecret.isEmpty() && jwtSecret.length() < 32) {
                throw invalid("auth.jwt_secret", "must be at least 32 characters");
            }
            Duration jwtTtl = Duration.ofSeconds(integer("auth.jwt_ttl_seconds", 1, 86_400));
            String loginLimit = limits("auth.login_limit");
            ServerConfig.Auth auth = new ServerConfig.Auth(authEnabled, keys, users,
                    jwtSecret.isEmpty() ? null : jwtSecret, jwtTtl, loginLimit);

            String store = oneOf("ratelimit.store", "memory", "redis", "resilience4j");
            String policy = oneOf("ratelimit.failure_policy", "fail-open", "fail-closed", "local-fallback");
            double share = decimal("ratelimit.fallback_share");
            List<String> proxies = list("ratelimit.trusted_proxies");
            proxies.forEach(this::cidr);
            try {
                io.twisterlab.ratelimit.http.ClientIpResolver.of(String.join(",", proxies));
            } catch (IllegalArgumentException e) {
                throw invalid("ratelimit.trusted_proxies", e.getMessage());
            }
            String redisUrl = str("redis.url");
            if (!redisUrl.isEmpty() && !redisUrl.matches("rediss?://\\S+")) {
                throw invalid("redis.url", "expected redis://host:port or rediss://..., got a value without that scheme");
            }
            if (store.equals("redis") && redisUrl.isEmpty()) {
                throw invalid("redis.url", "is required when ratelimit.store (TWISTERLAB_RATELIMIT_STORE) is redis");
            }
            ServerConfig.RateLimit rateLimit = new ServerConfig.RateLimit(bool("ratelimit.enabled"), store,
                    limits("ratelimit.default"), policy, share, proxies,
                    oneOf("ratelimit.forwarded_header", "x-forwarded-for", "forwarded"), bool("ratelimit.shadow"),
                    bool("ratelimit.legacy_headers"),
                    Duration.ofMillis(integer("ratelimit.redis_timeout_ms", 1, 60_000)),
                    (int) integer("ratelimit.redis_max_batch", 1, RedisStore.MAX_BATCH_SIZE),
                    (int) integer("ratelimit.memory_max_keys", 10, 100_000_000), rules());

            String cacheBackend = oneOf("cache.backend", "memory", "redis");
            if (cacheBackend.equals("redis") && redisUrl.isEmpty()) {
                throw invalid("redis.url", "is required when cache.backend (TWISTERLAB_CACHE_BACKEND) is redis");
            }
            Map<String, String> agentConfig = new LinkedHashMap<>();
            for (String key : AGENT_KEYS) {
                String v = str(key);
                if (!v.isEmpty()) {
                    agentConfig.put(key, v);
                }
            }
            agentConfig.put("cache.backend", cacheBackend);
            optionalInteger("database.pool_size", 1, 100);
            optionalInteger("database.max_result_bytes", 1024, 1L << 30);
            if (!str("database.allow_privileged_account").isEmpty()) {
                agentConfig.put("database.allow_privileged_account",
                        String.valueOf(bool("database.allow_privileged_account")));
            }
            optionalInteger("cache.max_entries", 1, Integer.MAX_VALUE);
            optionalInteger("cache.max_bytes", 4L * 1024 * 1024, Integer.MAX_VALUE);
            optionalInteger("llm.timeout_ms", 1, 3_600_000);
            optionalInteger("redis.timeout_ms", 1, 600_000);
            for (String key : values.keySet()) {
                if (AGENT_ENABLED_KEY.matcher(key).matches()) {
                    agentConfig.put(key, String.valueOf(bool(key)));
                }
            }
            ServerConfig.LogFormat logFormat = ServerConfig.LogFormat.valueOf(
                    oneOf("log.format", "text", "json").toUpperCase(Locale.ROOT));
            return new ServerConfig(host, port, bodyLimit, shutdown, execution, cors, auth, rateLimit, overrides(),
                    agentConfig, logFormat, file);
        }

        private ConfigException invalid(String key, String message) {
            Setting s = BY_KEY.get(key);
            String env = s != null && s.env() != null ? " (" + s.env() + ")" : "";
            return new ConfigException(key, "invalid setting " + key + env + ": " + message);
        }

        private String str(String key) {
            Object v = values.get(key);
            if (v == null) {
                Setting s = BY_KEY.get(key);
                return s == null ? "" : s.defaultValue();
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

        private void optionalInteger(String key, long min, long max) {
            if (!str(key).isEmpty()) {
                integer(key, min, max);
            }
        }

        private double decimal(String key) {
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

        private String oneOf(String key, String... allowed) {
            String v = str(key).toLowerCase(Locale.ROOT).replace('_', '-');
            for (String a : allowed) {
                if (a.equals(v)) {
                    return a;
                }
            }
            throw invalid(key, "expected one of " + String.join(", ", allowed) + ", got '" + str(key) + "'");
        }

        private String limits(String key) {
            String spec = str(key);
            return checkLimits(key, spec);
        }

        private String checkLimits(String key, String spec) {
            if (spec.isBlank()) {
                throw invalid(key, "expected limits like 100/1m or 10/1s,1000/1h, got an empty value");
            }
            try {
                io.twisterlab.ratelimit.Limit.parseAll(spec);
            } catch (IllegalArgumentException e) {
                throw invalid(key, e.getMessage());
            }
            return spec.replace(" ", "");
        }

        private void cidr(String cidr) {
            String[] parts = cidr.split("/", -1);
            String addr = parts[0];
            boolean v4 = addr.matches("\\d{1,3}(\\.\\d{1,3}){3}");
            boolean v6 = addr.contains(":") && addr.matches("[0-9A-Fa-f:.]+");
            int max = v4 ? 32 : 128;
            boolean ok = (v4 || v6) && parts.length <= 2;
            if (ok && v4) {
                for (String octet : addr.split("\\.")) {
                    ok &= Integer.parseInt(octet) <= 255;
                }
            }
            if (ok && parts.length == 2) {
                ok = parts[1].matches("\\d{1,3}") && Integer.parseInt(parts[1]) <= max;
            }
            if (ok && v6) {
                try {
                    java.net.InetAddress.getByName(addr); // literal: no DNS lookup
                } catch (java.net.UnknownHostException e) {
                    ok = false;
                }
            }
            if (!ok) {
                throw invalid("ratelimit.trusted_proxies", "'" + cidr + "' is not a CIDR like 10.0.0.0/8 or ::1/128");
            }
        }

        private Role role(String key, String value) {
            try {
                return Role.valueOf(value.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw invalid(key, "unknown role '" + value + "': expected viewer, operator or admin");
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
                String limits = checkLimits(key, item.path("limits").asText(""));
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
}
