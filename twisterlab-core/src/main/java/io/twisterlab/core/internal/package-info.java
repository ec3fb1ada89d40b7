/**
 * Implementation classes. Not an API: names and signatures here change without notice.
 */
@NullMarked
package io.twisterlab.core.internal;

import org.jspecify.annotations.NullMarked;
