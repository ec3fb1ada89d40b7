package io.twisterlab.server.internal;

import io.twisterlab.server.ServerConfig;
import java.time.Clock;

/** Creates the server's {@link RequestLimiter} from configuration. */
public final class RateLimiting {
    private RateLimiting() {
    }

    public static RequestLimiter create(ServerConfig config, Metrics metrics, Clock clock) {
        // TODO wire twisterlab-ratelimit once it is merged into main
        return new DisabledRequestLimiter();
    }
}
