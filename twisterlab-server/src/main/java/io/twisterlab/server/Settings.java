package io.twisterlab.server;

import io.twisterlab.ratelimit.redis.RedisStore;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The table of every scalar or list setting of the server, in documentation order: YAML key, environment variable,
 * default and a one-line description. {@code --help} and the README's configuration table are generated from it
 * (and tested against it); deployment checks read it too.
 *
 * <pre>{@code
 * for (Settings.Setting s : Settings.all()) {
 *     System.out.println(s.env() + " (" + s.key() + "): " + s.description());
 * }
 * Optional<Settings.Setting> port = Settings.find("server.port");   // TWISTERLAB_PORT, default 8000
 * }</pre>
 *
 * <p>Besides the table: {@code agents.<name>.<key>} for any agent ({@code enabled} for every one, the others the
 * agent's own; see {@link #agentKey(String, String)} for their environment variables), and the YAML-only lists
 * {@code ratelimit.rules} and {@code access.overrides}.
 */
public final class Settings {

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

    private static final List<Setting> ALL = List.of(
            new Setting("server.host", "TWISTERLAB_HOST", "127.0.0.1", "bind address"),
            new Setting("server.port", "TWISTERLAB_PORT", "8000", "TCP port (0 = random)"),
            new Setting("server.body_limit", "TWISTERLAB_BODY_LIMIT", "1048576", "max request body in bytes"),
            new Setting("server.shutdown_timeout_ms", "TWISTERLAB_SHUTDOWN_TIMEOUT_MS", "10000",
                    "drain time for in-flight requests on shutdown"),
            new Setting("server.execution_timeout_ms", "TWISTERLAB_EXECUTION_TIMEOUT_MS", "30000",
                    "timeout of capabilities that declare none"),
            new Setting("server.cors_origins", "TWISTERLAB_CORS_ORIGINS", "",
                    "comma-separated allowed CORS origins; empty = CORS off"),
            new Setting("server.ready_requires", "TWISTERLAB_READY_REQUIRES", "",
                    "comma-separated checks that gate /ready (ratelimit, agent:<name>); others only degrade it"),
            new Setting("server.plugins_dir", "TWISTERLAB_PLUGINS_DIR", "plugins",
                    "folder of plugin jars, each loaded with its own class loader; a missing folder means none"),
            new Setting("server.docs_enabled", "TWISTERLAB_DOCS_ENABLED", "true",
                    "serve /docs (Swagger UI) and /api/v1/openapi.json without a key; false = both 404"),
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
            new Setting("redis.url", "TWISTERLAB_REDIS_URL", "",
                    "redis://host:6379, rediss://, redis-sentinel://h:26379#master, redis-cluster://h1:p1,h2:p2 "
                    + "(rate-limit store and cache)"),
            new Setting("redis.timeout_ms", "TWISTERLAB_REDIS_TIMEOUT_MS", "",
                    "old name of agents.cache.redis_timeout_ms"),
            new Setting("database.url", "TWISTERLAB_DATABASE_URL", "", "old name of agents.database.url"),
            new Setting("database.username", "TWISTERLAB_DATABASE_USERNAME", "", "old name of agents.database.username"),
            new Setting("database.password", "TWISTERLAB_DATABASE_PASSWORD", "", "old name of agents.database.password"),
            new Setting("database.pool_size", "TWISTERLAB_DATABASE_POOL_SIZE", "",
                    "old name of agents.database.pool_size"),
            new Setting("database.max_result_bytes", "TWISTERLAB_DATABASE_MAX_RESULT_BYTES", "",
                    "old name of agents.database.max_result_bytes"),
            new Setting("database.allow_privileged_account", "TWISTERLAB_DATABASE_ALLOW_PRIVILEGED_ACCOUNT", "",
                    "old name of agents.database.allow_privileged_account"),
            new Setting("cache.backend", "TWISTERLAB_CACHE_BACKEND", "", "old name of agents.cache.backend"),
            new Setting("cache.namespace", "TWISTERLAB_CACHE_NAMESPACE", "", "old name of agents.cache.namespace"),
            new Setting("cache.max_entries", "TWISTERLAB_CACHE_MAX_ENTRIES", "", "old name of agents.cache.max_entries"),
            new Setting("cache.max_bytes", "TWISTERLAB_CACHE_MAX_BYTES", "", "old name of agents.cache.max_bytes"),
            new Setting("llm.url", "TWISTERLAB_LLM_URL", "", "old name of agents.maestro.llm_url"),
            new Setting("llm.model", "TWISTERLAB_LLM_MODEL", "", "old name of agents.maestro.llm_model"),
            new Setting("llm.timeout_ms", "TWISTERLAB_LLM_TIMEOUT_MS", "", "old name of agents.maestro.llm_timeout_ms"),
            new Setting("log.format", "TWISTERLAB_LOG_FORMAT", "text", "text | json"));

    /** {@code agents.<name>.enabled}: enables or disables any agent. */
    private static final Pattern AGENT_ENABLED = Pattern.compile("agents\\.([a-z0-9_-]{1,64})\\.enabled");
    /** {@code agents.<name>.<key>}: a setting of one agent, passed through to its provider. */
    private static final Pattern AGENT_KEY = Pattern.compile("agents\\.[a-z0-9_-]{1,64}\\.[a-z0-9_.-]{1,128}");
    /** {@code TWISTERLAB_AGENTS_<NAME>__<KEY>} or {@code TWISTERLAB_AGENTS_<NAME>_<KEY>}. */
    private static final Pattern AGENT_ENV = Pattern.compile(
            "TWISTERLAB_AGENTS_(?:([A-Z0-9_]{1,64}?)__|([A-Z0-9]{1,64})_)([A-Z0-9_]{1,128})");
    /** Prefixes of the settings the server reads itself; every other setting is passed to the agent providers. */
    private static final Set<String> SERVER_PREFIXES = Set.of("server.", "auth.", "ratelimit.", "log.", "access.");

    private Settings() {
    }

    /** Every setting of the table, in documentation order. */
    public static List<Setting> all() {
        return ALL;
    }

    /** The setting with this YAML key, if the table has it. */
    public static Optional<Setting> find(String key) {
        return ALL.stream().filter(s -> s.key().equals(key)).findFirst();
    }

    /** Whether a scalar setting exists: in the table, or {@code agents.<name>.<key>}. */
    public static boolean isKnown(String key) {
        return find(key).isPresent() || AGENT_KEY.matcher(key).matches();
    }

    /**
     * The YAML key of an environment variable {@code TWISTERLAB_AGENTS_<NAME>_<KEY>}, if it is one: NAME is the
     * first word and KEY the rest, lower-cased ({@code TWISTERLAB_AGENTS_GREETER_MAX_LENGTH} is
     * {@code agents.greeter.max_length}). For an agent whose name has {@code -} or {@code _}, a double underscore
     * ends NAME and {@code _} in NAME stands for {@code -} ({@code TWISTERLAB_AGENTS_MY_AGENT__URL} is
     * {@code agents.my-agent.url}).
     *
     * @param env   the variable's name
     * @param value its value, used only to say no when it is blank
     * @return the key, or empty if the variable is not an agent setting or is blank
     */
    public static Optional<String> agentKey(String env, String value) {
        Matcher m = AGENT_ENV.matcher(env);
        if (!m.matches() || value.isBlank()) {
            return Optional.empty();
        }
        String name = m.group(1) != null ? m.group(1).replace('_', '-') : m.group(2);
        return Optional.of(("agents." + name + "." + m.group(3)).toLowerCase(Locale.ROOT));
    }

    /**
     * The environment variable of {@code agents.<agent>.<key>}, the inverse of {@link #agentKey}; empty for a key
     * with a dot, which only YAML can set.
     */
    public static Optional<String> agentEnv(String agent, String key) {
        if (key.contains(".")) {
            return Optional.empty();
        }
        String name = agent.contains("-") || agent.contains("_") ? agent.replace('-', '_') + "__" : agent + "_";
        return Optional.of(("TWISTERLAB_AGENTS_" + name + key.replace('-', '_')).toUpperCase(Locale.ROOT));
    }

    /** Whether the key is {@code agents.<name>.enabled}. */
    public static boolean isAgentEnabled(String key) {
        return AGENT_ENABLED.matcher(key).matches();
    }

    /**
     * Whether the setting reaches the agent providers ({@code database.*}, {@code cache.*}, {@code redis.*},
     * {@code llm.*}, {@code agents.<name>.<key>}), which validate it; the server reads the others itself.
     */
    public static boolean isAgentSetting(String key) {
        return SERVER_PREFIXES.stream().noneMatch(key::startsWith);
    }
}
