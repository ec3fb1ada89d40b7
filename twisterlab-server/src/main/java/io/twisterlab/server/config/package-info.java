/**
 * Configuration of the server, not an API: the merge of defaults, YAML, environment and flags, and the
 * binder that parses each setting once into the typed {@link io.twisterlab.server.ServerConfig}.
 *
 * <p>Null policy: nothing here accepts or returns {@code null} unless annotated
 * {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package io.twisterlab.server.config;

import org.jspecify.annotations.NullMarked;
