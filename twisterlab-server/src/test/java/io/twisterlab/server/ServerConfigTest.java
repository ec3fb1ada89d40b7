package io.twisterlab.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.twisterlab.ratelimit.FailurePolicy;
import io.twisterlab.ratelimit.Limit;
import io.twisterlab.ratelimit.StoreKind;
import io.twisterlab.server.ServerConfig.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerConfigTest {
    static final String HASH = "a".repeat(64);

    @TempDir
    Path dir;

    @Test
    void defaults() {
        ServerConfig c = ServerConfig.defaults();
        assertThat(c.host()).isEqualTo("127.0.0.1");
        assertThat(c.port()).isEqualTo(8000);
        assertThat(c.bodyLimitBytes()).isEqualTo(1 << 20);
        assertThat(c.auth().enabled()).isTrue();
        assertThat(c.auth().apiKeys()).isEmpty();
        assertThat(c.rateLimit().store()).isEqualTo(StoreKind.MEMORY);
        assertThat(c.rateLimit().defaultLimits()).isEqualTo(Limit.parseAll("100/1m"));
        assertThat(c.rateLimit().trustedProxies()).isEmpty();
        assertThat(c.corsOrigins()).isEmpty();
        assertThat(c.logFormat()).isEqualTo(ServerConfig.LogFormat.TEXT);
        // nothing set, nothing passed: each agent applies its own defaults (the cache's backend is memory)
        assertThat(c.agentConfig()).isEmpty();
        // the values users get without configuring anything
        assertThat(c.shutdownTimeout()).as("server.shutdown_timeout_ms").isEqualTo(Duration.ofSeconds(10));
        assertThat(c.executionTimeout()).as("server.execution_timeout_ms").isEqualTo(Duration.ofSeconds(30));
        assertThat(c.rateLimit().enabled()).isTrue();
        assertThat(c.rateLimit().failurePolicy()).as("ratelimit.failure_policy")
                .isEqualTo(FailurePolicy.LOCAL_FALLBACK);
        assertThat(c.rateLimit().fallbackShare()).as("ratelimit.fallback_share").isEqualTo(1.0);
        assertThat(c.rateLimit().redisTimeout()).as("ratelimit.redis_timeout_ms").isEqualTo(Duration.ofMillis(200));
        assertThat(c.rateLimit().redisMaxBatch()).isEqualTo(64);
        assertThat(c.rateLimit().memoryMaxKeys()).isEqualTo(100_000);
        assertThat(c.rateLimit().shadow()).isFalse();
        assertThat(c.rateLimit().legacyHeaders()).isFalse();
        assertThat(c.rateLimit().rules()).isEmpty();
        assertThat(c.auth().users()).isEmpty();
        assertThat(c.auth().jwtSecret()).isNull();
        assertThat(c.auth().jwtTtl()).isEqualTo(Duration.ofSeconds(900));
        assertThat(c.auth().loginLimit()).isEqualTo(Limit.parseAll("5/1m"));
        assertThat(c.accessOverrides()).isEmpty();
    }

    @Test
    void validationBranchesNameTheSetting() throws Exception {
        // fallback share: a number in (0, 1]
        assertInvalid(Map.of("TWISTERLAB_RATELIMIT_FALLBACK_SHARE", "0"), "ratelimit.fallback_share",
                "TWISTERLAB_RATELIMIT_FALLBACK_SHARE", "greater than 0 and at most 1");
        assertInvalid(Map.of("TWISTERLAB_RATELIMIT_FALLBACK_SHARE", "1.5"), "ratelimit.fallback_share", "1.5");
        assertInvalid(Map.of("TWISTERLAB_RATELIMIT_FALLBACK_SHARE", "NaN"), "ratelimit.fallback_share");
        assertInvalid(Map.of("TWISTERLAB_RATELIMIT_FALLBACK_SHARE", "a quarter"), "ratelimit.fallback_share",
                "expected a number");
        assertThat(ServerConfig.load(null, Map.of("TWISTERLAB_RATELIMIT_FALLBACK_SHARE", "0.25"), Map.of())
                .rateLimit().fallbackShare()).isEqualTo(0.25);
        // redis.url: the scheme, and required by a Redis cache
        assertInvalid(Map.of("TWISTERLAB_REDIS_URL", "http://redis:6379"), "redis.url", "TWISTERLAB_REDIS_URL",
                "redis://");
        assertInvalid(Map.of("TWISTERLAB_REDIS_URL", "redis:6379"), "redis.url");
        for (String url : List.of("rediss://redis:6380", "redis-sentinel://:pw@s1:26379,s2:26379/2#mymaster",
                "redis-cluster://n1:7000,n2:7000", "rediss-cluster://user:pw@n1:7000,n2:7000")) {
            assertThat(ServerConfig.load(null, Map.of("TWISTERLAB_REDIS_URL", url), Map.of())
                    .agentConfig()).containsEntry("redis.url", url);
        }
        assertInvalid(Map.of("TWISTERLAB_REDIS_URL", "redis-cluster://n1:7000,n2:7000/3"), "redis.url",
                "database 0 only");
        assertInvalid(Map.of("TWISTERLAB_REDIS_URL", "redis://n1:7000,n2:7000"), "redis.url", "one host");
        assertInvalid(Map.of("TWISTERLAB_CACHE_BACKEND", "redis"), "redis.url", "cache.backend", "required");
        assertInvalid(Map.of("TWISTERLAB_AGENTS_CACHE_BACKEND", "Redis"), "redis.url", "agents.cache.backend",
                "TWISTERLAB_AGENTS_CACHE_BACKEND", "required");
        // host and CORS origins
        assertInvalid(Map.of("TWISTERLAB_HOST", "h".repeat(254)), "server.host");
        assertInvalid(Map.of("TWISTERLAB_HOST", "bad host/x"), "server.host", "not a host name or IP address");
        assertInvalid(Map.of("TWISTERLAB_CORS_ORIGINS", "https://ok.example,*"), "server.cors_origins",
                "TWISTERLAB_CORS_ORIGINS", "'*' is not an origin");
        assertInvalid(Map.of("TWISTERLAB_CORS_ORIGINS", "https://example.com/path"), "server.cors_origins");
        assertInvalid(Map.of("TWISTERLAB_CORS_ORIGINS", "ftp://example.com"), "server.cors_origins");
        assertThat(ServerConfig.load(null, Map.of("TWISTERLAB_CORS_ORIGINS", " https://a.example , http://b:8080"),
                Map.of()).corsOrigins()).containsExactly("https://a.example", "http://b:8080");
        // users: format, role and duplicates
        String bcrypt = "$2a$10$" + "a".repeat(53);
        assertInvalid(Map.of("TWISTERLAB_USERS", "ada:admin:plaintext"), "auth.users", "TWISTERLAB_USERS",
                "name:role:bcrypt-hash");
        assertInvalid(Map.of("TWISTERLAB_USERS", "ada:admin"), "auth.users", "name:role:bcrypt-hash");
        assertInvalid(Map.of("TWISTERLAB_USERS", "ada:root:" + bcrypt), "auth.users", "root");
        assertInvalid(Map.of("TWISTERLAB_USERS", "ada:admin:" + bcrypt + ",ada:viewer:" + bcrypt), "auth.users",
                "duplicate user 'ada'");
        assertThat(ServerConfig.load(null, Map.of("TWISTERLAB_USERS", "ada:admin:" + bcrypt), Map.of()).auth()
                .users()).singleElement().satisfies(u -> assertThat(u.role()).isEqualTo(Role.ADMIN));
        // access overrides: shape, fields and roles
        assertInvalidYaml("access:\n  overrides:\n    - capability: execute_query\n      roles: [admin]\n",
                "access.overrides", "access.overrides[1] must be a mapping with agent");
        assertInvalidYaml("access:\n  overrides:\n    - agent: database\n      roles: admin\n",
                "access.overrides", "roles: [..]");
        assertInvalidYaml("access:\n  overrides:\n    - agent: database\n      roles: [admin]\n      role: x\n",
                "access.overrides", "unknown field 'role'", "allowed: agent, capability, roles");
        assertInvalidYaml("access:\n  overrides:\n    - agent: database\n      roles: [superuser]\n",
                "access.overrides", "superuser");
    }

    private void assertInvalidYaml(String yaml, String setting, String... fragments) throws Exception {
        Path file = dir.resolve("invalid-" + System.nanoTime() + ".yaml");
        Files.writeString(file, yaml);
        assertThatThrownBy(() -> ServerConfig.load(file, Map.of(), Map.of()))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.setting()).isEqualTo(setting);
                    for (String fragment : fragments) {
                        assertThat(e.getMessage()).contains(fragment);
                    }
                });
    }

    @Test
    void precedenceIsDefaultsThenYamlThenEnvThenFlags() throws Exception {
        Path yaml = dir.resolve("c.yaml");
        Files.writeString(yaml, """
                server:
                  port: 7000
                  host: 127.0.0.2
                ratelimit:
                  default: 1/1s
                  store: memory
                database:
                  url: jdbc:h2:mem:yaml
                agents:
                  maestro:
                    enabled: false
                """);
        ServerConfig fileOnly = ServerConfig.load(yaml, Map.of(), Map.of());
        assertThat(fileOnly.port()).isEqualTo(7000);
        assertThat(fileOnly.host()).isEqualTo("127.0.0.2");
        assertThat(fileOnly.agentConfig()).containsEntry("database.url", "jdbc:h2:mem:yaml")
                .containsEntry("agents.maestro.enabled", "false");

        Map<String, String> env = Map.of("TWISTERLAB_CONFIG", yaml.toString(), "TWISTERLAB_PORT", "7001",
                "TWISTERLAB_RATELIMIT_DEFAULT", "10/1s,1000/1h", "TWISTERLAB_DATABASE_URL", "jdbc:h2:mem:env",
                "TWISTERLAB_AGENTS_CACHE_ENABLED", "false", "UNRELATED", "x");
        ServerConfig withEnv = ServerConfig.load(null, env, Map.of());
        assertThat(withEnv.port()).isEqualTo(7001);
        assertThat(withEnv.host()).isEqualTo("127.0.0.2");
        assertThat(withEnv.rateLimit().defaultLimits()).isEqualTo(Limit.parseAll("10/1s,1000/1h"));
        assertThat(withEnv.agentConfig()).containsEntry("database.url", "jdbc:h2:mem:env")
                .containsEntry("agents.cache.enabled", "false");
        assertThat(withEnv.configFile()).isEqualTo(yaml);

        ServerConfig withFlags = ServerConfig.load(null, env, Map.of("server.port", "7002"));
        assertThat(withFlags.port()).isEqualTo(7002);
    }

    @Test
    void apiKeysUsersRulesAndOverridesParse() throws Exception {
        Path yaml = dir.resolve("c.yaml");
        Files.writeString(yaml, """
                auth:
                  api_keys:
                    - ci:operator:%s
                ratelimit:
                  trusted_proxies: [10.0.0.0/8, "::1/128"]
                  rules:
                    - id: exec
                      path: /api/v1/agents/
                      methods: [post]
                      role: viewer
                      limits: 5/1m
                access:
                  overrides:
                    - agent: database
                      capability: execute_query
                      roles: [admin]
                """.formatted(HASH));
        ServerConfig c = ServerConfig.load(yaml, Map.of(), Map.of());
        assertThat(c.auth().apiKeys()).singleElement().satisfies(k -> {
            assertThat(k.name()).isEqualTo("ci");
            assertThat(k.role()).isEqualTo(Role.OPERATOR);
        });
        assertThat(c.rateLimit().trustedProxies()).containsExactly("10.0.0.0/8", "::1/128");
        assertThat(c.rateLimit().rules()).singleElement().satisfies(r -> {
            assertThat(r.id()).isEqualTo("exec");
            assertThat(r.methods()).containsExactly("POST");
            assertThat(r.role()).isEqualTo(Role.VIEWER);
            assertThat(r.limits()).isEqualTo(Limit.parseAll("5/1m"));
        });
        assertThat(c.accessOverrides()).singleElement().satisfies(o -> {
            assertThat(o.agent()).isEqualTo("database");
            assertThat(o.roles()).containsExactly(Role.ADMIN);
        });
    }

    @Test
    void invalidSettingsNameTheSettingAndItsVariable() {
        assertInvalid(Map.of("TWISTERLAB_PORT", "eighty"), "server.port", "TWISTERLAB_PORT", "eighty");
        assertInvalid(Map.of("TWISTERLAB_PORT", "70000"), "server.port", "between 0 and 65535");
        assertInvalid(Map.of("TWISTERLAB_RATELIMIT_DEFAULT", "100 per minute"), "ratelimit.default",
                "TWISTERLAB_RATELIMIT_DEFAULT", "100 per minute");
        assertInvalid(Map.of("TWISTERLAB_RATELIMIT_DEFAULT", "0/1s"), "ratelimit.default");
        assertInvalid(Map.of("TWISTERLAB_RATELIMIT_STORE", "postgres"), "ratelimit.store", "memory, redis");
        assertInvalid(Map.of("TWISTERLAB_RATELIMIT_STORE", "redis"), "redis.url", "required");
        assertInvalid(Map.of("TWISTERLAB_RATELIMIT_FAILURE_POLICY", "panic"), "ratelimit.failure_policy");
        assertInvalid(Map.of("TWISTERLAB_TRUSTED_PROXIES", "10.0.0.0/33"), "ratelimit.trusted_proxies", "10.0.0.0/33");
        assertInvalid(Map.of("TWISTERLAB_TRUSTED_PROXIES", "proxy.example.com"), "ratelimit.trusted_proxies");
        assertInvalid(Map.of("TWISTERLAB_API_KEYS", "ci:operator:secret"), "auth.api_keys", "sha256hex");
        assertInvalid(Map.of("TWISTERLAB_API_KEYS", "ci:root:" + HASH), "auth.api_keys", "unknown role 'root'");
        assertInvalid(Map.of("TWISTERLAB_API_KEYS", "ci:admin:" + HASH + ",ci:viewer:" + HASH), "auth.api_keys",
                "duplicate");
        assertInvalid(Map.of("TWISTERLAB_LOG_FORMAT", "xml"), "log.format", "text, json");
        assertInvalid(Map.of("TWISTERLAB_AUTH", "off"), "auth.mode", "enabled or disabled");
        assertInvalid(Map.of("TWISTERLAB_JWT_SECRET", "short"), "auth.jwt_secret", "32");
        assertInvalid(Map.of("TWISTERLAB_AGENTS_CACHE_ENABLED", "maybe"), "agents.cache.enabled");
        assertThatThrownBy(() -> ServerConfig.load(null, Map.of("TWISTERLAB_CONFIG",
                dir.resolve("missing.yaml").toString()), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("TWISTERLAB_CONFIG")
                .hasMessageContaining("does not exist");
    }

    @Test
    void readyRequiresParsesCheckNamesOnceAndRefusesOthers() {
        assertThat(ServerConfig.defaults().readyRequires()).isEqualTo(ServerConfig.ReadyRequires.NONE);
        ServerConfig.ReadyRequires r = ServerConfig.load(null,
                Map.of("TWISTERLAB_READY_REQUIRES", " ratelimit , agent:database,,agent:cache"), Map.of())
                .readyRequires();
        assertThat(r.ratelimit()).isTrue();
        assertThat(r.agents()).containsExactlyInAnyOrder("database", "cache");
        assertThat(r.requires("agent:database")).isTrue();
        assertThat(r.requires("agent:maestro")).isFalse();
        assertThat(r).hasToString("ratelimit,agent:cache,agent:database");
        assertInvalid(Map.of("TWISTERLAB_READY_REQUIRES", "database"), "server.ready_requires",
                "TWISTERLAB_READY_REQUIRES", "unknown check 'database'", "ratelimit or agent:<name>");
        assertInvalid(Map.of("TWISTERLAB_READY_REQUIRES", "agent:Bad Name"), "server.ready_requires");
        assertInvalid(Map.of("TWISTERLAB_READY_REQUIRES", "ratelimit", "TWISTERLAB_RATELIMIT_ENABLED", "false"),
                "server.ready_requires", "TWISTERLAB_RATELIMIT_ENABLED");
        assertThatThrownBy(() -> new ServerConfig.ReadyRequires(false, Set.of("agent:x")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void authCannotBeDisabledOffLoopback() {
        assertInvalid(Map.of("TWISTERLAB_AUTH", "disabled", "TWISTERLAB_HOST", "0.0.0.0"), "auth.mode",
                "loopback", "0.0.0.0");
        assertThat(ServerConfig.load(null, Map.of("TWISTERLAB_AUTH", "disabled"), Map.of()).auth().enabled())
                .isFalse();
        assertThat(ServerConfig.load(null, Map.of("TWISTERLAB_AUTH", "disabled", "TWISTERLAB_HOST", "::1"),
                Map.of()).auth().enabled()).isFalse();
    }

    @Test
    void unknownOrMistypedYamlKeysAreRefused() throws Exception {
        Path yaml = dir.resolve("typo.yaml");
        Files.writeString(yaml, "server:\n  prot: 9000\n");
        assertThatThrownBy(() -> ServerConfig.load(yaml, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("unknown setting 'server.prot'");
        Files.writeString(yaml, "server: [1, 2\n");
        assertThatThrownBy(() -> ServerConfig.load(yaml, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("not valid YAML");
        Files.writeString(yaml, "ratelimit:\n  rules:\n    - path: /api\n      limit: 5/1s\n");
        assertThatThrownBy(() -> ServerConfig.load(yaml, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("unknown field 'limit'");
    }

    @Test
    void agentSettingsFromYamlAndEnvironmentPassThroughAsAgentsNameKey() throws Exception {
        Path yaml = dir.resolve("agents.yaml");
        Files.writeString(yaml, "agents:\n  Greeter:\n    greeting: Hi\n    style: {case: upper}\n"
                + "    names: [ada, bob]\n  my-agent:\n    enabled: no\n");
        ServerConfig c = ServerConfig.load(yaml, Map.of("TWISTERLAB_AGENTS_GREETER_MAX_LENGTH", "12",
                "TWISTERLAB_AGENTS_MY_AGENT__URL", "http://x", "TWISTERLAB_AGENTS_GREETER_BLANK", " "), Map.of());
        assertThat(c.agentConfig()).containsEntry("agents.greeter.greeting", "Hi")
                .containsEntry("agents.greeter.style.case", "upper")
                .containsEntry("agents.greeter.names", "ada,bob")
                .containsEntry("agents.greeter.max_length", "12")
                .containsEntry("agents.my-agent.url", "http://x")
                .containsEntry("agents.my-agent.enabled", "false")
                .doesNotContainKey("agents.greeter.blank");
        // the environment wins over YAML, flags over both
        assertThat(ServerConfig.load(yaml, Map.of("TWISTERLAB_AGENTS_GREETER_GREETING", "Hey"),
                Map.of("agents.greeter.style.case", "lower")).agentConfig())
                .containsEntry("agents.greeter.greeting", "Hey").containsEntry("agents.greeter.style.case", "lower");
        assertThat(Settings.agentKey("TWISTERLAB_AGENTS_CACHE_ENABLED", "false")).contains("agents.cache.enabled");
        assertThat(Settings.agentKey("TWISTERLAB_AGENTS_CACHE", "x")).isEmpty();
        assertThat(Settings.agentKey("TWISTERLAB_PORT", "1")).isEmpty();
        // and back: the variable of a declared key
        assertThat(Settings.agentEnv("greeter", "max_length")).contains("TWISTERLAB_AGENTS_GREETER_MAX_LENGTH");
        assertThat(Settings.agentEnv("my-agent", "url")).contains("TWISTERLAB_AGENTS_MY_AGENT__URL");
        assertThat(Settings.agentEnv("greeter", "style.case")).isEmpty();
        for (String[] k : new String[][] {{"greeter", "max_length"}, {"my-agent", "url"}, {"my_agent", "url"}}) {
            String env = Settings.agentEnv(k[0], k[1]).orElseThrow();
            assertThat(Settings.agentKey(env, "x")).as(env)
                    .contains("agents." + k[0].replace('_', '-') + "." + k[1]);
        }
    }

    @Test
    void pluginsDirDefaultsToPluginsAndMustNotBeEmpty() throws Exception {
        assertThat(ServerConfig.defaults().pluginsDir()).isEqualTo(Path.of("plugins"));
        assertThat(ServerConfig.load(null, Map.of("TWISTERLAB_PLUGINS_DIR", "/app/plugins"), Map.of()).pluginsDir())
                .isEqualTo(Path.of("/app/plugins"));
        assertInvalidYaml("server:\n  plugins_dir: ''\n", "server.plugins_dir", "TWISTERLAB_PLUGINS_DIR",
                "must not be empty");
    }

    @Test
    void memoryStoreKeyCapIsValidated() {
        assertThat(ServerConfig.load(null, Map.of(), Map.of()).rateLimit().memoryMaxKeys()).isEqualTo(100_000);
        assertThat(ServerConfig.load(null, Map.of("TWISTERLAB_RATELIMIT_MEMORY_MAX_KEYS", "20000"), Map.of())
                .rateLimit().memoryMaxKeys()).isEqualTo(20_000);
        assertInvalid(Map.of("TWISTERLAB_RATELIMIT_MEMORY_MAX_KEYS", "5"), "ratelimit.memory_max_keys",
                "TWISTERLAB_RATELIMIT_MEMORY_MAX_KEYS", "between 10 and");
        assertInvalid(Map.of("TWISTERLAB_RATELIMIT_MEMORY_MAX_KEYS", "lots"), "ratelimit.memory_max_keys",
                "expected an integer");
    }

    @Test
    void redisMaxBatchDefaultsTo64AndIsBounded() {
        assertThat(ServerConfig.load(null, Map.of(), Map.of()).rateLimit().redisMaxBatch()).isEqualTo(64);
        assertThat(ServerConfig.load(null, Map.of("TWISTERLAB_RATELIMIT_REDIS_MAX_BATCH", "1"), Map.of())
                .rateLimit().redisMaxBatch()).isEqualTo(1);
        assertInvalid(Map.of("TWISTERLAB_RATELIMIT_REDIS_MAX_BATCH", "0"), "ratelimit.redis_max_batch",
                "TWISTERLAB_RATELIMIT_REDIS_MAX_BATCH", "between 1 and 1024");
        assertInvalid(Map.of("TWISTERLAB_RATELIMIT_REDIS_MAX_BATCH", "5000"), "ratelimit.redis_max_batch",
                "between 1 and 1024");
    }

    @Test
    void toStringRedactsSecrets() {
        ServerConfig c = ServerConfig.load(null, Map.of("TWISTERLAB_DATABASE_PASSWORD", "hunter2-secret",
                "TWISTERLAB_JWT_SECRET", "x".repeat(40), "TWISTERLAB_API_KEYS", "ci:admin:" + HASH,
                "TWISTERLAB_AGENTS_GREETER_PASSWORD", "pw-1", "TWISTERLAB_AGENTS_GREETER_API_TOKEN", "tok-2",
                "TWISTERLAB_AGENTS_GREETER_CLIENT_SECRET", "sec-3", "TWISTERLAB_AGENTS_GREETER_GREETING", "Hi"),
                Map.of());
        assertThat(c.toString()).doesNotContain("hunter2-secret", "x".repeat(40), HASH, "pw-1", "tok-2", "sec-3")
                .contains("ci:admin", "agents.greeter.greeting=Hi", "agents.greeter.password=***");
    }

    private static void assertInvalid(Map<String, String> env, String setting, String... fragments) {
        assertThatThrownBy(() -> ServerConfig.load(null, env, Map.of()))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.setting()).isEqualTo(setting);
                    assertThat(e.getMessage()).contains(setting);
                    for (String fragment : fragments) {
                        assertThat(e.getMessage()).contains(fragment);
                    }
                });
    }

    @Test
    void apiKeyEntryIsAcceptedByTheConfiguration() {
        String entry = ServerConfig.apiKeyEntry("ci", Role.OPERATOR, "secret-key");
        assertThat(entry).startsWith("ci:operator:").doesNotContain("secret-key");
        assertThat(ServerConfig.fromSettings(Map.of("auth.api_keys", entry)).auth().apiKeys())
                .singleElement().satisfies(k -> assertThat(k.role()).isEqualTo(Role.OPERATOR));
    }

    @Test
    void recordsBuiltInCodeRefuseInvalidValues() {
        ServerConfig c = ServerConfig.defaults();
        ServerConfig.RateLimit rl = c.rateLimit();
        assertThatThrownBy(() -> new ServerConfig(c.host(), 70000, c.bodyLimitBytes(), c.shutdownTimeout(),
                c.executionTimeout(), c.corsOrigins(), c.readyRequires(), c.docsEnabled(), c.auth(), rl, c.accessOverrides(),
                c.agentConfig(), c.logFormat(), c.pluginsDir(), null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("65535");
        assertThatThrownBy(() -> new ServerConfig(c.host(), c.port(), 0, c.shutdownTimeout(), c.executionTimeout(),
                c.corsOrigins(), c.readyRequires(), c.docsEnabled(), c.auth(), rl, c.accessOverrides(), c.agentConfig(), c.logFormat(),
                c.pluginsDir(), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bodyLimitBytes");
        ServerConfig.Auth noAuth = new ServerConfig.Auth(false, List.of(), List.of(), null, Duration.ofMinutes(1),
                Limit.parseAll("5/1m"));
        assertThatThrownBy(() -> new ServerConfig("0.0.0.0", c.port(), c.bodyLimitBytes(), c.shutdownTimeout(),
                c.executionTimeout(), c.corsOrigins(), c.readyRequires(), c.docsEnabled(), noAuth, rl, c.accessOverrides(),
                c.agentConfig(), c.logFormat(), c.pluginsDir(), null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("loopback");
        assertThatThrownBy(() -> new ServerConfig.RateLimit(rl.enabled(), rl.store(), rl.defaultLimits(),
                rl.failurePolicy(), 0.0, rl.trustedProxies(), rl.forwardedHeader(), rl.shadow(), rl.legacyHeaders(),
                rl.redisTimeout(), rl.redisMaxBatch(), rl.memoryMaxKeys(), rl.rules()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fallbackShare");
        assertThatThrownBy(() -> new ServerConfig.RateLimit(rl.enabled(), rl.store(), rl.defaultLimits(),
                rl.failurePolicy(), rl.fallbackShare(), List.of("everyone"), rl.forwardedHeader(), rl.shadow(),
                rl.legacyHeaders(), rl.redisTimeout(), rl.redisMaxBatch(), rl.memoryMaxKeys(), rl.rules()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("everyone");
        assertThatThrownBy(() -> new ServerConfig.RateLimit(rl.enabled(), rl.store(), List.of(), rl.failurePolicy(),
                rl.fallbackShare(), rl.trustedProxies(), rl.forwardedHeader(), rl.shadow(), rl.legacyHeaders(),
                rl.redisTimeout(), rl.redisMaxBatch(), rl.memoryMaxKeys(), rl.rules()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("defaultLimits");
        assertThatThrownBy(() -> new ServerConfig.Auth(true, List.of(), List.of(), "short", Duration.ofMinutes(1),
                Limit.parseAll("5/1m"))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("32");
        assertThatThrownBy(() -> new ServerConfig.ApiKey("ci", Role.VIEWER, "not-a-hash"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void settingsTableKnowsEveryKeyAndWhichOnesReachTheAgents() {
        assertThat(Settings.find("server.port")).hasValueSatisfying(s -> {
            assertThat(s.env()).isEqualTo("TWISTERLAB_PORT");
            assertThat(s.defaultValue()).isEqualTo("8000");
        });
        assertThat(Settings.find("server.prot")).isEmpty();
        assertThat(Settings.isKnown("agents.maestro.enabled")).isTrue();
        assertThat(Settings.isAgentSetting("database.pool_size")).isTrue();
        assertThat(Settings.isAgentSetting("ratelimit.default")).isFalse();
        assertThat(ServerConfig.defaults().agentConfig()).doesNotContainKeys("server.port", "ratelimit.default");
    }
}
