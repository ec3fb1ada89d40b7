/**
 * The Redis store: {@link io.twisterlab.ratelimit.redis.RedisStore}. Needs {@code io.lettuce:lettuce-core} and
 * {@code io.github.resilience4j:resilience4j-circuitbreaker} on the class path (optional dependencies).
 *
 * <pre>{@code
 * RateLimiter limiter = RateLimiter.of(RedisStore.builder("redis://localhost:6379").build());
 * }</pre>
 *
 * <p>Null policy: nothing in this package accepts or returns {@code null} unless annotated {@code @Nullable}.
 */
@NullMarked
package io.twisterlab.ratelimit.redis;

import org.jspecify.annotations.NullMarked;
