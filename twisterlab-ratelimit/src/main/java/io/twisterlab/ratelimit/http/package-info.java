/**
 * Framework-neutral HTTP helpers: {@link io.twisterlab.ratelimit.http.ClientIpResolver} (real client IP behind
 * trusted proxies), {@link io.twisterlab.ratelimit.http.RateLimitHeaders} (header values) and
 * {@link io.twisterlab.ratelimit.http.TooManyRequestsProblem} (the 429 body).
 *
 * <pre>{@code
 * String ip = ClientIpResolver.of("10.0.0.0/8").resolve(remoteAddr, xff, forwarded);
 * Decision d = limiter.decide(ip, 1, limits);
 * RateLimitHeaders.of(d, true).forEach(response::setHeader);
 * }</pre>
 *
 * <p>Null policy: nothing in this package accepts or returns {@code null} unless annotated {@code @Nullable}.
 */
@NullMarked
package io.twisterlab.ratelimit.http;

import org.jspecify.annotations.NullMarked;
