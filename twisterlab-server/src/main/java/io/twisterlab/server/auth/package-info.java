/**
 * Authentication and authorisation of the server, not an API: API keys, JWTs, login passwords and the role policy.
 *
 * <p>Null policy: nothing here accepts or returns {@code null} unless annotated
 * {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package io.twisterlab.server.auth;

import org.jspecify.annotations.NullMarked;
