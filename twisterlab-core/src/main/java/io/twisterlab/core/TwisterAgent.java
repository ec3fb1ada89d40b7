package io.twisterlab.core;

import io.twisterlab.core.internal.DeprecationWarnings;

/**
 * The original name of {@link AbstractCoreAgent}, kept so that agents written against it still compile.
 * Each subclass logs one deprecation warning, the first time it is instantiated.
 *
 * <pre>{@code
 * // before                                   // after
 * class MyAgent extends TwisterAgent { }      class MyAgent extends AbstractCoreAgent { }
 * }</pre>
 *
 * @deprecated extend {@link AbstractCoreAgent} or implement {@link CoreAgent}; this alias will be removed.
 */
@Deprecated(since = "0.1.0", forRemoval = false)
public abstract class TwisterAgent extends AbstractCoreAgent {
    protected TwisterAgent(String name, String description, String version) {
        super(name, description, version);
        DeprecationWarnings.warnOnce(getClass());
    }
}
