/**
 * Service-provider interface: {@link io.twisterlab.core.spi.AgentProvider} factories that
 * {@link java.util.ServiceLoader} discovers, and the {@link io.twisterlab.core.spi.ProviderContext} they receive.
 *
 * <p>Null policy: as in {@link io.twisterlab.core}, nothing is null unless annotated {@code @Nullable}.
 */
@NullMarked
package io.twisterlab.core.spi;

import org.jspecify.annotations.NullMarked;
