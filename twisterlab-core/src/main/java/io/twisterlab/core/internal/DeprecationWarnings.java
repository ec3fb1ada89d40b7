package io.twisterlab.core.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs the {@code TwisterAgent} deprecation once per subclass. */
public final class DeprecationWarnings {
    private static final Logger LOG = LoggerFactory.getLogger("io.twisterlab.core.TwisterAgent");
    private static final Set<Class<?>> WARNED = ConcurrentHashMap.newKeySet();

    private DeprecationWarnings() {
    }

    public static void warnOnce(Class<?> agentClass) {
        if (WARNED.add(agentClass)) {
            LOG.warn("{} extends the deprecated io.twisterlab.core.TwisterAgent; extend "
                    + "io.twisterlab.core.AbstractCoreAgent instead", agentClass.getName());
        }
    }
}
