/**
 * Helpers shared by the built-in agents; not an API.
 *
 * <pre>{@code
 * if (!ProviderConfig.enabled(context, "cache")) { return List.of(); }
 * }</pre>
 *
 * <p>Null policy: nothing is null unless annotated {@code @Nullable}.
 */
@NullMarked
package io.twisterlab.agents.internal;

import org.jspecify.annotations.NullMarked;
