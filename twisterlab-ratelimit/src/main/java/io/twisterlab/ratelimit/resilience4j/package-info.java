/**
 * The resilience4j adapter: {@link io.twisterlab.ratelimit.resilience4j.Resilience4jStore}. Needs
 * {@code io.github.resilience4j:resilience4j-ratelimiter} on the class path (optional dependency).
 *
 * <pre>{@code
 * RateLimiter limiter = RateLimiter.of(Resilience4jStore.builder().build());
 * }</pre>
 *
 * <p>Null policy: nothing in this package accepts or returns {@code null} unless annotated {@code @Nullable}.
 */
@NullMarked
package io.twisterlab.ratelimit.resilience4j;

import org.jspecify.annotations.NullMarked;
