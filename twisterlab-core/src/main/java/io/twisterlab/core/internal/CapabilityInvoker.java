package io.twisterlab.core.internal;

import io.twisterlab.core.AbstractCoreAgent;
import io.twisterlab.core.AgentCall;
import io.twisterlab.core.AgentError;
import io.twisterlab.core.AgentResponse;
import io.twisterlab.core.Capability;
import io.twisterlab.core.CoreAgent;
import io.twisterlab.core.Invocation;
import io.twisterlab.core.ResponseMetadata;
import io.twisterlab.core.TwisterLabException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one execution path of a resolved capability: runs it (its handler, after validation, for an
 * {@link AbstractCoreAgent}; {@link CoreAgent#execute} for any other agent) within the call's time budget, turns
 * whatever it returns or throws into an {@link AgentResponse}, and stamps the response's metadata.
 */
public final class CapabilityInvoker {
    private static final Logger LOG = LoggerFactory.getLogger(CapabilityInvoker.class);

    /** Whether a class inherits {@link AbstractCoreAgent#execute}, so running the resolved handler is equivalent. */
    private static final ClassValue<Boolean> INHERITS_EXECUTE = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            try {
                return type.getMethod("execute", AgentCall.class).getDeclaringClass() == AbstractCoreAgent.class;
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException(type + " implements CoreAgent without execute(AgentCall)", e);
            }
        }
    };

    private final ExecutorService timeoutExecutor;

    /** @param timeoutExecutor runs the calls that have a time budget, so that the caller can stop waiting */
    public CapabilityInvoker(ExecutorService timeoutExecutor) {
        this.timeoutExecutor = Objects.requireNonNull(timeoutExecutor, "timeoutExecutor");
    }

    /**
     * Runs {@code capability} of {@code agent} for {@code call}, on another thread when the call has a time budget.
     *
     * @throws io.twisterlab.core.InvalidArgumentsException before the handler runs, if arguments are invalid
     * @throws TwisterLabException                          any other protocol fault, e.g. from a nested call
     */
    public AgentResponse invoke(CoreAgent agent, Capability capability, AgentCall call) {
        long start = System.nanoTime();
        Work work = agent instanceof AbstractCoreAgent && INHERITS_EXECUTE.get(agent.getClass())
                ? handler(capability, call) : () -> Objects.requireNonNull(agent.execute(call), "execute result");
        Optional<Duration> timeout = call.findTimeout();
        AgentResponse response = timeout.isPresent()
                ? within(timeout.get(), agent.name(), capability, call, work)
                : guarded(agent.name(), capability, call, work);
        return stamped(response, agent.name(), capability, call, start);
    }

    /**
     * Runs the handler of {@code capability} on this thread: what {@link AbstractCoreAgent#execute} does. The
     * call's time budget is handed to the handler, not enforced.
     *
     * @throws io.twisterlab.core.InvalidArgumentsException before the handler runs, if arguments are invalid
     * @throws TwisterLabException                          any other protocol fault, e.g. from a nested call
     */
    public static AgentResponse invokeHandler(String agentName, Capability capability, AgentCall call) {
        long start = System.nanoTime();
        return stamped(guarded(agentName, capability, call, handler(capability, call)), agentName, capability, call,
                start);
    }

    /** What a capability runs: returns a result (an {@link AgentResponse} or its data), or throws. */
    @FunctionalInterface
    private interface Work {
        @Nullable Object run() throws Exception;
    }

    private static Work handler(Capability capability, AgentCall call) {
        return () -> capability.handler().handle(new Invocation(capability.validate(call.arguments()),
                call.context(), call.directory(), call.timeout()));
    }

    private AgentResponse within(Duration timeout, String agentName, Capability capability, AgentCall call,
                                 Work work) {
        Future<AgentResponse> future = timeoutExecutor.submit(() -> guarded(agentName, capability, call, work));
        try {
            return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            return AgentResponse.failure(AgentError.TIMEOUT, agentName + "." + capability.name()
                    + " did not complete within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            return AgentResponse.failure(AgentError.TIMEOUT, agentName + "." + capability.name()
                    + " was interrupted while waiting for its result");
        } catch (ExecutionException e) {
            // guarded turns every failure into a response except the protocol faults, which are the caller's
            throw e.getCause() instanceof TwisterLabException fault ? fault : new IllegalStateException(e.getCause());
        }
    }

    /** The one place where a failure becomes a response. */
    private static AgentResponse guarded(String agentName, Capability capability, AgentCall call, Work work) {
        try {
            @Nullable Object result = work.run();
            return result instanceof AgentResponse response ? response : AgentResponse.success(result);
        } catch (TwisterLabException protocolFault) {
            // Invalid arguments, or a nested call's fault (e.g. access denied): the caller's to report.
            throw protocolFault;
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return AgentResponse.failure(AgentError.TIMEOUT, agentName + "." + capability.name()
                    + " was interrupted before it completed");
        } catch (Exception | LinkageError | AssertionError e) {
            LOG.error("{}.{} failed (request {})", agentName, capability.name(), requestId(call), e);
            return internalError(call);
        } catch (Error e) {
            // A stack overflow (hostile input: a deeply nested value, a pathological expression) or another
            // virtual machine error: its thousand frames say nothing the one line does not, and would let each
            // request flood the log.
            LOG.error("{}.{} failed with {} (request {})", agentName, capability.name(), e, requestId(call));
            return internalError(call);
        }
    }

    private static AgentResponse stamped(AgentResponse response, String agentName, Capability capability,
                                         AgentCall call, long start) {
        return response.withMetadata(new ResponseMetadata(agentName, capability.name(),
                Duration.ofNanos(System.nanoTime() - start), call.context().requestId()));
    }

    private static String requestId(AgentCall call) {
        return call.context().findRequestId().orElse("-");
    }

    private static AgentResponse internalError(AgentCall call) {
        return AgentResponse.failure(AgentError.INTERNAL_ERROR, "The capability failed unexpectedly"
                + call.context().findRequestId().map(id -> "; see the server log for request " + id).orElse(""));
    }
}
