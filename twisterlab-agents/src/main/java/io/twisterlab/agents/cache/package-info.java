/**
 * The {@code cache} agent and its backend SPI: {@link io.twisterlab.agents.cache.CacheBackend#inMemory in-memory}
 * (Caffeine) and {@link io.twisterlab.agents.cache.CacheBackend#redis Redis} (Lettuce).
 *
 * <pre>{@code
 * CacheAgent cache = CacheAgent.builder()
 *         .backend(CacheBackend.redis("redis://localhost:6379", Duration.ofSeconds(2)))
 *         .namespace("myapp:cache:")
 *         .build();
 * registry.register(cache);
 * registry.execute("cache", "cache_set", Map.of("key", "greeting", "value", "hello", "ttl_seconds", 60));
 * }</pre>
 *
 * <p>Null policy: nothing is null unless annotated {@code @Nullable}.
 */
@NullMarked
package io.twisterlab.agents.cache;

import org.jspecify.annotations.NullMarked;
