/**
 * GCRA rate limiting for any JVM application: {@link io.twisterlab.ratelimit.Limit},
 * {@link io.twisterlab.ratelimit.Decision}, the {@link io.twisterlab.ratelimit.RateLimiter} facade and the
 * {@link io.twisterlab.ratelimit.RateLimitStore} SPI.
 *
 * <pre>{@code
 * RateLimiter limiter = RateLimiter.of(RateLimitStore.inMemory());
 * Limit perSecond = Limit.parse("10/1s");
 * Decision d = limiter.decide("203.0.113.7", 1, perSecond);
 * }</pre>
 *
 * <p>Null policy: nothing in this package accepts or returns {@code null} unless a parameter or return type
 * is annotated {@code @Nullable}.
 */
@NullMarked
package io.twisterlab.ratelimit;

import org.jspecify.annotations.NullMarked;
