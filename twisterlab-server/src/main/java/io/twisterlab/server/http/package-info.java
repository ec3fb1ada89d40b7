/**
 * The HTTP layer of the server, not an API: Javalin set-up and routes, the request gate (request ids, security
 * headers, authentication, rate limiting), body reading and the one mapping of exceptions to problem responses.
 *
 * <p>Null policy: nothing here accepts or returns {@code null} unless annotated
 * {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package io.twisterlab.server.http;

import org.jspecify.annotations.NullMarked;
