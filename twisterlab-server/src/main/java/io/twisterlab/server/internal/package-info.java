/**
 * Implementation of the server: configuration parsing, auth, problem responses, metrics, rate-limit wiring and
 * route handlers. Not an API: classes here change without notice.
 */
@NullMarked
package io.twisterlab.server.internal;

import org.jspecify.annotations.NullMarked;
