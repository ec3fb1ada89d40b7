/**
 * Implementation helpers shared by the stores. Not part of the API: may change without notice.
 *
 * <p>Null policy: nothing here accepts or returns {@code null} unless annotated {@code @Nullable}.
 */
@NullMarked
package io.twisterlab.ratelimit.internal;

import org.jspecify.annotations.NullMarked;
