/**
 * Plugin jars of {@code server.plugins_dir}, each loaded through its own class loader, and the discovery of the
 * agents of the built-in and plugin {@link io.twisterlab.core.spi.AgentProvider}s, each agent with where it comes
 * from. Not an API.
 *
 * <p>Null policy: nothing here accepts or returns {@code null} unless annotated
 * {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package io.twisterlab.server.plugins;

import org.jspecify.annotations.NullMarked;
