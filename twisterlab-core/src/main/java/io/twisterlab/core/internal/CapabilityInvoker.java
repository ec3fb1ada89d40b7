package io.twisterlab.core.internal;

import io.twisterlab.core.AgentCall;
import io.twisterlab.core.AgentError;
import io.twisterlab.core.AgentResponse;
import io.twisterlab.core.Arguments;
import io.twisterlab.core.Capability;
import io.twisterlab.core.Invocation;
import io.twisterlab.core.ResponseMetadata;
import io.twisterlab.core.TwisterLabException;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Validates, runs a handler, and turns what it returns or throws into an {@link AgentResponse}. */
public final class CapabilityInvoker {
    private static final Logger LOG = LoggerFactory.getLogger(CapabilityInvoker.class);

    private CapabilityInvoker() {
    }

    /**
     * Runs {@code capability} for {@code call}.
     *
     * @throws io.twisterlab.core.InvalidArgumentsException before the handler runs, if arguments are invalid
     */
    public static AgentResponse invoke(String agentName, Capability capability, AgentCall call) {
        long start = System.nanoTime();
        Arguments arguments = capability.validate(call.arguments());
        AgentResponse response;
        try {
            @Nullable Object result = capability.handler()
                    .handle(new Invocation(arguments, call.context(), call.directory(), call.timeout()));
            response = result instanceof AgentResponse r ? r : AgentResponse.success(result);
        } catch (TwisterLabException protocolFault) {
            // A nested call's fault (e.g. access denied) is the caller's problem to report, not an internal error.
            throw protocolFault;
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            response = AgentResponse.failure(AgentError.TIMEOUT, agentName + "." + capability.name()
                    + " was interrupted before it completed");
        } catch (Exception | LinkageError | AssertionError e) {
            LOG.error("{}.{} failed (request {})", agentName, capability.name(),
                    call.context().findRequestId().orElse("-"), e);
            response = internalError(call);
        } catch (StackOverflowError e) {
            // Hostile input (a deeply nested value, a pathological expression) can overflow the stack; its thousand
            // frames say nothing the one line does not, and would let each request flood the log.
            LOG.error("{}.{} failed with {} (request {})", agentName, capability.name(), e,
                    call.context().findRequestId().orElse("-"));
            response = internalError(call);
        }
        return response.withMetadata(new ResponseMetadata(agentName, capability.name(),
                Duration.ofNanos(System.nanoTime() - start), call.context().requestId()));
    }

    private static AgentResponse internalError(AgentCall call) {
        return AgentResponse.failure(AgentError.INTERNAL_ERROR, "The capability failed unexpectedly"
                + call.context().findRequestId().map(id -> "; see the server log for request " + id).orElse(""));
    }
}
