/**
 * The in-memory store: {@link io.twisterlab.ratelimit.memory.MemoryStore}.
 *
 * <pre>{@code
 * RateLimiter limiter = RateLimiter.of(MemoryStore.builder().maxKeys(50_000).build());
 * }</pre>
 *
 * <p>Null policy: nothing in this package accepts or returns {@code null} unless annotated {@code @Nullable}.
 */
@NullMarked
package io.twisterlab.ratelimit.memory;

import org.jspecify.annotations.NullMarked;
