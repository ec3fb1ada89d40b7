package io.twisterlab.server;

import io.twisterlab.ratelimit.FailurePolicy;
import io.twisterlab.ratelimit.Limit;
import io.twisterlab.ratelimit.StoreKind;
import io.twisterlab.ratelimit.http.ClientIpResolver;
import io.twisterlab.server.config.ConfigSources;
import io.twisterlab.server.config.Redaction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The server's validated configuration. Sources, lowest precedence first: built-in defaults, the YAML file
 * ({@code --config} or {@code TWISTERLAB_CONFIG}), environment variables {@code TWISTERLAB_*}, command-line flags.
 * Every setting has a YAML key (e.g. {@code ratelimit.default}); {@link Settings} and the README list them all with
 * their environment variables. Values are typed and the records validate themselves: a configuration built in code
 * cannot hold port 70000 or an unknown store either.
 *
 * <pre>{@code
 * // tests: settings by YAML key, no environment, no file
 * ServerConfig config = ServerConfig.fromSettings(Map.of("server.port", "0", "ratelimit.default", "5/1m"));
 *
 * // the CLI: file < environment < flags (flags keyed by YAML key too)
 * ServerConfig config = ServerConfig.load(null, System.getenv(), Map.of("server.port", "9000"));
 * }</pre>
 *
 * @param host             bind address ({@code server.host}, default {@code 127.0.0.1})
 * @param port             TCP port, 0 for a random one ({@code server.port}, default 8000)
 * @param bodyLimitBytes   maximum request body ({@code server.body_limit}, default 1 MiB)
 * @param shutdownTimeout  how long in-flight requests may drain on stop ({@code server.shutdown_timeout_ms})
 * @param executionTimeout default timeout of capabilities that declare none ({@code server.execution_timeout_ms})
 * @param corsOrigins      allowed CORS origins; empty disables CORS ({@code server.cors_origins})
 * @param readyRequires    the checks that gate {@code /ready} ({@code server.ready_requires}); default none
 * @param docsEnabled      whether {@code /docs} and {@code /api/v1/openapi.json} are served, without a key
 *                         ({@code server.docs_enabled}, default true)
 * @param auth             authentication settings
 * @param rateLimit        rate-limit settings
 * @param accessOverrides  per-agent / per-capability role overrides ({@code access.overrides}, YAML only)
 * @param agentConfig      flat settings passed to agent providers ({@code database.*}, {@code cache.*},
 *                         {@code redis.url}, {@code llm.*}, {@code agents.<name>.<key>})
 * @param logFormat        {@code text} or {@code json} ({@code log.format})
 * @param pluginsDir       folder of plugin jars ({@code server.plugins_dir}, default {@code plugins} under the working
 *                         directory); it need not exist
 * @param configFile       the YAML file that was read, if any
 */
public record ServerConfig(String host, int port, long bodyLimitBytes, Duration shutdownTimeout,
                           Duration executionTimeout, List<String> corsOrigins, ReadyRequires readyRequires,
                           boolean docsEnabled, Auth auth, RateLimit rateLimit,
                           List<AccessOverride> accessOverrides, Map<String, String> agentConfig, LogFormat logFormat,
                           Path pluginsDir, @Nullable Path configFile) {

    /** @throws IllegalArgumentException for a blank host, a port outside 0-65535 or a non-positive limit */
    public ServerConfig {
        if (host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
        }
        positive("bodyLimitBytes", bodyLimitBytes);
        if (shutdownTimeout.isNegative()) {
            throw new IllegalArgumentException("shutdownTimeout must not be negative, got " + shutdownTimeout);
        }
        positive("executionTimeout", executionTimeout);
        corsOrigins = List.copyOf(corsOrigins);
        Objects.requireNonNull(readyRequires, "readyRequires");
        Objects.requireNonNull(auth, "auth");
        if (!auth.enabled() && !isLoopback(host)) {
            throw new IllegalArgumentException("auth may only be disabled on a loopback address, not " + host);
        }
        Objects.requireNonNull(rateLimit, "rateLimit");
        if (readyRequires.ratelimit() && !rateLimit.enabled()) {
            throw new IllegalArgumentException("readyRequires names ratelimit but rate limiting is disabled");
        }
        accessOverrides = List.copyOf(accessOverrides);
        agentConfig = Map.copyOf(agentConfig);
        Objects.requireNonNull(logFormat, "logFormat");
        Objects.requireNonNull(pluginsDir, "pluginsDir");
    }

    /** Built-in defaults: 127.0.0.1:8000, auth enabled with no keys (a key is generated at start), 100/1m. */
    public static ServerConfig defaults() {
        return fromSettings(Map.of());
    }

    /**
     * Defaults overridden by settings keyed by YAML key ({@code server.port}, {@code auth.api_keys}, ...).
     * {@code config.file} names a YAML file to read first.
     *
     * @throws ConfigException naming the first invalid setting
     */
    public static ServerConfig fromSettings(Map<String, String> settings) {
        return ConfigSources.load(null, Map.of(), settings);
    }

    /**
     * Loads defaults &lt; YAML file &lt; environment &lt; flags.
     *
     * @param file  the YAML file, or null to use {@code TWISTERLAB_CONFIG} from {@code env} (or none)
     * @param env   the environment (only {@code TWISTERLAB_*} variables are read)
     * @param flags settings from the command line, keyed by YAML key
     * @throws ConfigException naming the first invalid setting
     */
    public static ServerConfig load(@Nullable Path file, Map<String, String> env, Map<String, String> flags) {
        return ConfigSources.load(file, env, flags);
    }

    /**
     * The {@code auth.api_keys} / {@code TWISTERLAB_API_KEYS} entry for a key: {@code name:role:sha256hex}. Only
     * the hash is configured; the key itself goes to the client.
     *
     * <pre>{@code
     * String key = "my-test-key";
     * ServerConfig config = ServerConfig.fromSettings(Map.of("server.port", "0",
     *         "auth.api_keys", ServerConfig.apiKeyEntry("ci", Role.OPERATOR, key)));
     * }</pre>
     */
    public static String apiKeyEntry(String name, Role role, String key) {
        ApiKey entry = ApiKey.of(name, role, key);
        return entry.name() + ":" + entry.role().id() + ":" + entry.sha256Hex();
    }

    /** Whether the bind address is a loopback address (required for {@code TWISTERLAB_AUTH=disabled}). */
    public boolean loopbackOnly() {
        return isLoopback(host);
    }

    /** Whether {@code host} is {@code localhost} or a loopback IP literal ({@code 127.0.0.0/8}, {@code ::1}). */
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

    private static void positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }

    private static void positive(String name, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }

    /** Redacts secrets: database password, JWT secret. */
    @Override
    public String toString() {
        return "ServerConfig[host=" + host + ", port=" + port + ", bodyLimitBytes=" + bodyLimitBytes
                + ", readyRequires=" + readyRequires + ", docsEnabled=" + docsEnabled
                + ", auth=" + auth + ", rateLimit=" + rateLimit + ", accessOverrides=" + accessOverrides
                + ", agentConfig=" + Redaction.settings(agentConfig) + ", logFormat=" + logFormat
                + ", pluginsDir=" + pluginsDir + ", configFile=" + configFile + "]";
    }

    /**
     * The checks that gate {@code /ready} ({@code server.ready_requires}, e.g. {@code ratelimit,agent:database}).
     * Any other failing check only makes the instance {@code degraded} (200): a dependency that every replica
     * shares must not take them all out of service unless the operator says so. Agent names are checked against
     * the registered agents when the server is built, since only then are they known.
     *
     * <pre>{@code
     * ReadyRequires r = ReadyRequires.parse("ratelimit, agent:database");
     * r.ratelimit();   // true
     * r.agents();      // [database]
     * }</pre>
     *
     * @param ratelimit whether the rate-limit store must not be degraded
     * @param agents    canonical names of agents whose health check must pass (healthy or degraded)
     */
    public record ReadyRequires(boolean ratelimit, Set<String> agents) {
        /** Nothing external gates readiness (the default). */
        public static final ReadyRequires NONE = new ReadyRequires(false, Set.of());
        private static final Pattern AGENT = Pattern.compile("[a-z0-9_-]{1,64}");

        /** @throws IllegalArgumentException for an agent name that is not lower-case letters, digits, - or _ */
        public ReadyRequires {
            agents = Set.copyOf(agents);
            for (String agent : agents) {
                if (!AGENT.matcher(agent).matches()) {
                    throw new IllegalArgumentException("'" + agent + "' is not an agent name (" + AGENT.pattern()
                            + ")");
                }
            }
        }

        /**
         * Parses comma-separated check names: {@code ratelimit} or {@code agent:<name>}; blank entries are ignored.
         *
         * @throws IllegalArgumentException naming the first entry that is neither
         */
        public static ReadyRequires parse(String spec) {
            boolean ratelimit = false;
            Set<String> agents = new LinkedHashSet<>();
            for (String raw : spec.split(",")) {
                String name = raw.strip();
                if (name.isEmpty()) {
                    continue;
                }
                if (name.equals("ratelimit")) {
                    ratelimit = true;
                } else if (name.startsWith("agent:") && AGENT.matcher(name.substring(6)).matches()) {
                    agents.add(name.substring(6));
                } else {
                    throw new IllegalArgumentException("unknown check '" + name
                            + "': expected ratelimit or agent:<name>");
                }
            }
            return new ReadyRequires(ratelimit, agents);
        }

        /** Whether the check with this name ({@code ratelimit}, {@code agent:<name>}) gates readiness. */
        public boolean requires(String check) {
            return check.equals("ratelimit") ? ratelimit
                    : check.startsWith("agent:") && agents.contains(check.substring(6));
        }

        @Override
        public String toString() {
            List<String> names = new ArrayList<>();
            if (ratelimit) {
                names.add("ratelimit");
            }
            agents.stream().sorted().forEach(a -> names.add("agent:" + a));
            return String.join(",", names);
        }
    }

    /** Log output format. */
    public enum LogFormat { TEXT, JSON }

    /** The role hierarchy of the bundled server: viewer &lt; operator &lt; admin. */
    public enum Role {
        /** Runs QUERY capabilities. */
        VIEWER,
        /** Runs QUERY and ACTION capabilities. */
        OPERATOR,
        /** Everything, including administrative endpoints and capabilities overridden to admin only. */
        ADMIN;

        /** Lower-case name as used in configuration and {@code ExecutionContext} roles. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * Parses a role id, case-insensitive.
         *
         * @throws IllegalArgumentException naming the value and the roles
         */
        public static Role parse(String id) {
            for (Role r : values()) {
                if (r.id().equals(id.strip().toLowerCase(Locale.ROOT))) {
                    return r;
                }
            }
            throw new IllegalArgumentException("unknown role '" + id + "': expected viewer, operator or admin");
        }
    }

    /**
     * Authentication settings.
     *
     * @param enabled      false only with {@code TWISTERLAB_AUTH=disabled} on a loopback address
     * @param apiKeys      configured API keys (hashes only)
     * @param users        users that may log in at {@code /api/v1/auth/token} (bcrypt hashes only)
     * @param jwtSecret    HMAC secret for tokens (at least 32 bytes), or null for a random per-process secret
     * @param jwtTtl       token lifetime
     * @param loginLimit   brute-force limits per client IP on the login endpoint ({@code 5/1m})
     */
    public record Auth(boolean enabled, List<ApiKey> apiKeys, List<User> users, @Nullable String jwtSecret,
                       Duration jwtTtl, List<Limit> loginLimit) {
        /** The shortest accepted JWT secret. */
        public static final int MIN_JWT_SECRET_LENGTH = 32;

        /** @throws IllegalArgumentException for a short secret, a non-positive lifetime or no login limit */
        public Auth {
            apiKeys = List.copyOf(apiKeys);
            users = List.copyOf(users);
            if (jwtSecret != null && jwtSecret.length() < MIN_JWT_SECRET_LENGTH) {
                throw new IllegalArgumentException("jwtSecret must be at least " + MIN_JWT_SECRET_LENGTH
                        + " characters");
            }
            positive("jwtTtl", jwtTtl);
            loginLimit = nonEmpty("loginLimit", loginLimit);
        }

        @Override
        public String toString() {
            return "Auth[enabled=" + enabled + ", apiKeys=" + apiKeys + ", users=" + users
                    + ", jwtSecret=" + (jwtSecret == null ? "random" : "***") + ", jwtTtl=" + jwtTtl
                    + ", loginLimit=" + loginLimit + "]";
        }
    }

    /**
     * An API key entry: {@code name:role:sha256hex}. Only the SHA-256 of the key is configured.
     *
     * @param name      principal name (appears in logs and metrics, never the key)
     * @param role      its role
     * @param sha256Hex lower-case hex SHA-256 of the key
     */
    public record ApiKey(String name, Role role, String sha256Hex) {
        /** @throws IllegalArgumentException unless {@code sha256Hex} is 64 lower-case hex digits */
        public ApiKey {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(role, "role");
            if (!sha256Hex.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException("sha256Hex must be 64 lower-case hex digits");
            }
        }

        /** The entry for a key: only its SHA-256 is kept. */
        public static ApiKey of(String name, Role role, String key) {
            try {
                byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
                return new ApiKey(name, role, HexFormat.of().formatHex(hash));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is not available", e);
            }
        }

        @Override
        public String toString() {
            return name + ":" + role.id();
        }
    }

    /**
     * A login user: {@code name:role:bcrypt-hash}.
     *
     * @param name       user name
     * @param role       its role
     * @param bcryptHash bcrypt hash of the password ({@code $2a$}/{@code $2b$}/{@code $2y$})
     */
    public record User(String name, Role role, String bcryptHash) {
        @Override
        public String toString() {
            return name + ":" + role.id();
        }
    }

    /**
     * Rate-limit settings.
     *
     * @param enabled         false disables rate limiting entirely ({@code ratelimit.enabled})
     * @param store           the store ({@code ratelimit.store})
     * @param defaultLimits   limits for every limited request ({@code ratelimit.default}, e.g. {@code 10/1s,1000/1h})
     * @param failurePolicy   what the redis store answers while Redis is unreachable
     * @param fallbackShare   share of each limit used by the local fallback store (0 &lt; share &le; 1)
     * @param trustedProxies  CIDRs of proxies whose {@code X-Forwarded-For}/{@code Forwarded} headers are believed
     * @param forwardedHeader which header the trusted proxies write
     * @param shadow          decide and count but never deny
     * @param legacyHeaders   also send {@code X-RateLimit-Limit/Remaining/Reset}
     * @param redisTimeout    bound on every Redis call of the redis store
     * @param redisMaxBatch   most concurrent decisions one Redis script call carries ({@code ratelimit.redis_max_batch})
     * @param memoryMaxKeys   cap on (limit, subject) pairs tracked by the memory store, or by the redis store's
     *                        local fallback ({@code ratelimit.memory_max_keys}, at least {@value #MIN_MEMORY_MAX_KEYS})
     * @param rules           per-route / per-role limits on top of the default
     */
    public record RateLimit(boolean enabled, StoreKind store, List<Limit> defaultLimits, FailurePolicy failurePolicy,
                            double fallbackShare, List<String> trustedProxies,
                            ClientIpResolver.Header forwardedHeader, boolean shadow, boolean legacyHeaders,
                            Duration redisTimeout, int redisMaxBatch, int memoryMaxKeys, List<RateLimitRule> rules) {
        /** The smallest accepted {@link #memoryMaxKeys()}. */
        public static final int MIN_MEMORY_MAX_KEYS = 10;

        /** @throws IllegalArgumentException for an invalid CIDR, share, timeout, batch size or key cap */
        public RateLimit {
            Objects.requireNonNull(store, "store");
            defaultLimits = nonEmpty("defaultLimits", defaultLimits);
            Objects.requireNonNull(failurePolicy, "failurePolicy");
            if (!(fallbackShare > 0 && fallbackShare <= 1)) {
                throw new IllegalArgumentException("fallbackShare must be in (0, 1], got " + fallbackShare);
            }
            trustedProxies = List.copyOf(trustedProxies);
            ClientIpResolver.of(String.join(",", trustedProxies)); // the ratelimit module's CIDR parser
            Objects.requireNonNull(forwardedHeader, "forwardedHeader");
            positive("redisTimeout", redisTimeout);
            positive("redisMaxBatch", redisMaxBatch);
            if (memoryMaxKeys < MIN_MEMORY_MAX_KEYS) {
                throw new IllegalArgumentException("memoryMaxKeys must be at least " + MIN_MEMORY_MAX_KEYS + ", got "
                        + memoryMaxKeys);
            }
            rules = List.copyOf(rules);
        }

        /** Resolves client IPs behind the trusted proxies. */
        public ClientIpResolver clientIpResolver() {
            return ClientIpResolver.builder().trust(String.join(",", trustedProxies)).header(forwardedHeader).build();
        }
    }

    /**
     * A rate-limit rule from YAML ({@code ratelimit.rules}): requests whose path starts with {@code pathPrefix}
     * (and, when set, whose principal has {@code role}) are limited by {@code limits} instead of the default. The
     * first matching rule wins.
     *
     * @param id         name used in the {@code policy} metrics label and headers
     * @param pathPrefix e.g. {@code /api/v1/agents/}
     * @param methods    HTTP methods it applies to; empty for all
     * @param role       role it applies to, or null for everyone
     * @param limits     e.g. {@code 5/1s,100/1h}
     * @param shadow     count but never deny
     */
    public record RateLimitRule(String id, String pathPrefix, Set<String> methods, @Nullable Role role,
                                List<Limit> limits, boolean shadow) {
        /** @throws IllegalArgumentException for a blank id, a path prefix not starting with / or no limits */
        public RateLimitRule {
            if (id.isBlank() || !pathPrefix.startsWith("/")) {
                throw new IllegalArgumentException("a rule needs an id and a path prefix starting with /");
            }
            methods = Set.copyOf(methods);
            limits = nonEmpty("limits", limits);
        }
    }

    /**
     * A role override from YAML ({@code access.overrides}): who may run a capability, replacing the default by
     * kind (viewer: QUERY; operator: QUERY and ACTION; admin: everything). Admin is always allowed.
     *
     * @param agent      canonical agent name
     * @param capability capability name, or {@code *} for every capability of the agent
     * @param roles      roles allowed
     */
    public record AccessOverride(String agent, String capability, Set<Role> roles) {
        public AccessOverride {
            roles = Set.copyOf(roles);
        }
    }

    private static <T> List<T> nonEmpty(String name, List<T> list) {
        if (list.isEmpty()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
        return List.copyOf(list);
    }
}
