package io.twisterlab.core;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Where a response came from and how long it took.
 *
 * <pre>{@code
 * response.metadata().duration().toMillis();
 * }</pre>
 *
 * @param agent      the agent's canonical name (empty until the response left a capability)
 * @param capability the capability name (empty until the response left a capability)
 * @param duration   wall-clock time of the execution
 * @param requestId  the caller's request id, if it had one
 */
public record ResponseMetadata(String agent, String capability, Duration duration, @Nullable String requestId) {
    static final ResponseMetadata NONE = new ResponseMetadata("", "", Duration.ZERO, null);

    public ResponseMetadata {
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(capability, "capability");
        Objects.requireNonNull(duration, "duration");
    }

    public Optional<String> findRequestId() {
        return Optional.ofNullable(requestId);
    }
}
