package io.twisterlab.agents.cache;

import io.twisterlab.agents.internal.ProviderConfig;
import io.twisterlab.core.CoreAgent;
import io.twisterlab.core.spi.AgentProvider;
import io.twisterlab.core.spi.ProviderContext;
import io.twisterlab.core.spi.SettingKey;
import java.time.Duration;
import java.util.Collection;
import java.util.List;

/**
 * Builds the {@code cache} agent: {@code agents.cache.backend} ({@code memory}, the default, or {@code redis}),
 * {@code agents.cache.namespace} (default {@code twisterlab:cache:}), {@code agents.cache.max_entries} (memory
 * backend, default 10000), {@code agents.cache.max_bytes} (memory backend, at least 4 MiB, default 64 MiB: keys and
 * values at two bytes per character, so a 1 MiB value always fits), the server-wide {@code redis.url} (redis
 * backend, default {@code redis://localhost:6379}; also {@code redis-sentinel://…#master} and
 * {@code redis-cluster://…}, see {@link CacheBackend#redis(String, Duration)}) and {@code agents.cache.redis_timeout_ms} (default 2000). The old
 * names {@code cache.*} and {@code redis.timeout_ms} are still accepted ({@link ProviderConfig#RENAMED}).
 * {@code agents.cache.enabled=false} disables it.
 *
 * <pre>{@code
 * ProviderContext.builder().config("agents.cache.backend", "redis").config("redis.url", "redis://cache:6379/1").build();
 * }</pre>
 */
public final class CacheAgentProvider implements AgentProvider {
    /** Smallest {@code cache.max_bytes}: room for one value of the default 1 MiB limit, at two bytes a character. */
    private static final int MIN_MAX_BYTES = 4 * 1024 * 1024;

    @Override
    public List<SettingKey> settingKeys() {
        return List.of(new SettingKey(CacheAgent.NAME, "backend", "memory | redis (redis.url) [memory]"),
                new SettingKey(CacheAgent.NAME, "namespace", "key prefix [" + CacheAgent.DEFAULT_NAMESPACE + "]"),
                new SettingKey(CacheAgent.NAME, "max_entries", "memory backend: most entries [10000]"),
                new SettingKey(CacheAgent.NAME, "max_bytes", "memory backend: most bytes, at least 4 MiB [64 MiB]"),
                new SettingKey(CacheAgent.NAME, "redis_timeout_ms", "redis backend: call timeout [2000]"));
    }

    @Override
    public Collection<? extends CoreAgent> createAgents(ProviderContext context) {
        return ProviderConfig.withNewNames(context, this::create);
    }

    private Collection<? extends CoreAgent> create(ProviderContext context) {
        if (!ProviderConfig.enabled(context, CacheAgent.NAME)) {
            return List.of();
        }
        String backendName = ProviderConfig.oneOf(context, "agents.cache.backend", "memory", "memory", "redis");
        CacheBackend backend;
        if (backendName.equals("redis")) {
            String url = ProviderConfig.string(context, "redis.url", "redis://localhost:6379");
            Duration timeout = ProviderConfig.positiveMillis(context, "agents.cache.redis_timeout_ms", Duration.ofSeconds(2));
            try {
                backend = CacheBackend.redis(url, timeout);
            } catch (IllegalArgumentException e) {
                // RedisEndpoint's messages never quote the credentials
                throw new IllegalArgumentException("setting 'redis.url' is invalid: " + e.getMessage(), e);
            }
        } else {
            backend = CacheBackend.inMemory(ProviderConfig.intInRange(context, "agents.cache.max_entries", 10_000, 1,
                    100_000_000), ProviderConfig.intInRange(context, "agents.cache.max_bytes",
                    (int) CacheBackend.DEFAULT_MAX_BYTES, MIN_MAX_BYTES, Integer.MAX_VALUE));
        }
        CacheAgent.Builder builder = CacheAgent.builder().backend(backend);
        String namespace = context.config("agents.cache.namespace").orElse(CacheAgent.DEFAULT_NAMESPACE);
        try {
            builder.namespace(namespace);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("setting 'agents.cache.namespace' is invalid: " + e.getMessage(), e);
        }
        return List.of(builder.build());
    }
}
