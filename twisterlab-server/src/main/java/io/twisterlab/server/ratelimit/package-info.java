/**
 * The server's request limiter, not an API: which limits apply to a request (YAML rules, the default, the
 * login limit), decided by a twisterlab-ratelimit store.
 *
 * <p>Null policy: nothing here accepts or returns {@code null} unless annotated
 * {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package io.twisterlab.server.ratelimit;

import org.jspecify.annotations.NullMarked;
