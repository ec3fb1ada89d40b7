/**
 * Observability of the server, not an API: Prometheus metrics, the access log and the audit log.
 *
 * <p>Null policy: nothing here accepts or returns {@code null} unless annotated
 * {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package io.twisterlab.server.observe;

import org.jspecify.annotations.NullMarked;
