package io.twisterlab.agents.monitoring;

import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** How the samplers report what they read: one decimal, and a part the platform cannot provide as null. */
final class Readings {
    private static final Logger LOG = LoggerFactory.getLogger(Readings.class);

    private Readings() {
    }

    interface Reader {
        @Nullable Object read() throws InterruptedException;
    }

    /** Reads one part of the metrics; a part the platform cannot provide becomes null and is listed. */
    static @Nullable Object section(List<String> unavailable, String name, Reader reader)
            throws InterruptedException {
        try {
            @Nullable Object value = reader.read();
            if (value == null) {
                unavailable.add(name);
            }
            return value;
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("metric section {} unavailable", name, e);
            unavailable.add(name);
            return null;
        }
    }

    static double round(double value) {
        return Math.round(value * 10.0) / 10.0;
    }
}
