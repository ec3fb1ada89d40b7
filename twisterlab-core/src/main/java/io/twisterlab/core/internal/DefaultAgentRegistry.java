package io.twisterlab.core.internal;

import io.twisterlab.core.AccessDeniedException;
import io.twisterlab.core.AccessPolicy;
import io.twisterlab.core.AgentCall;
import io.twisterlab.core.AgentError;
import io.twisterlab.core.AgentHealth;
import io.twisterlab.core.AgentRegistrationException;
import io.twisterlab.core.AgentRegistry;
import io.twisterlab.core.AgentResponse;
import io.twisterlab.core.Capability;
import io.twisterlab.core.CapabilityNotFoundException;
import io.twisterlab.core.CoreAgent;
import io.twisterlab.core.ExecutionContext;
import io.twisterlab.core.ExecutionEvent;
import io.twisterlab.core.ExecutionListener;
import io.twisterlab.core.ExecutionOutcome;
import io.twisterlab.core.HealthStatus;
import io.twisterlab.core.InvalidArgumentsException;
import io.twisterlab.core.RegistryHealth;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry behind {@link AgentRegistry#builder()}. Lookups are lock-free reads of an immutable snapshot;
 * registration, unregistration and lifecycle changes are serialised on {@code this}.
 */
public final class DefaultAgentRegistry implements AgentRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(DefaultAgentRegistry.class);

    /** Immutable view of the registered agents, replaced as a whole on every change. */
    private record Snapshot(Map<String, CoreAgent> byName, Map<String, CoreAgent> byAlias, List<CoreAgent> ordered) {
        static final Snapshot EMPTY = new Snapshot(Map.of(), Map.of(), List.of());
    }

    private final AccessPolicy accessPolicy;
    private final List<ExecutionListener> listeners;
    private final @Nullable Duration defaultTimeout;
    private final ExecutorService timeoutExecutor;
    private final CapabilityInvoker invoker;
    private volatile Snapshot snapshot = Snapshot.EMPTY;
    private volatile boolean started;
    private final Map<String, Boolean> startedAgents = new ConcurrentHashMap<>();

    public DefaultAgentRegistry(AccessPolicy accessPolicy, List<ExecutionListener> listeners,
                                @Nullable Duration defaultTimeout) {
        this.accessPolicy = accessPolicy;
        this.listeners = List.copyOf(listeners);
        this.defaultTimeout = defaultTimeout;
        this.timeoutExecutor = Executors.newCachedThreadPool(daemonThreads());
        this.invoker = new CapabilityInvoker(timeoutExecutor);
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "twisterlab-agent-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public synchronized void register(CoreAgent agent) {
        String name = agent.name();
        String alias = AliasKey.of(name);
        Snapshot current = snapshot;
        if (current.byName().containsKey(name)) {
            throw new AgentRegistrationException("an agent named '" + name + "' is already registered");
        }
        CoreAgent aliasOwner = current.byAlias().get(alias);
        if (aliasOwner != null) {
            throw new AgentRegistrationException("agent '" + name + "' would be ambiguous with '" + aliasOwner.name()
                    + "': both are found by the alias '" + alias + "'");
        }
        Map<String, CoreAgent> byName = new LinkedHashMap<>(current.byName());
        byName.put(name, agent);
        Map<String, CoreAgent> byAlias = new LinkedHashMap<>(current.byAlias());
        byAlias.put(alias, agent);
        List<CoreAgent> ordered = new ArrayList<>(current.ordered());
        ordered.add(agent);
        if (started) {
            startAgent(agent);
        }
        snapshot = new Snapshot(Map.copyOf(byName), Map.copyOf(byAlias), List.copyOf(ordered));
        LOG.debug("registered agent {} {}", name, agent.version());
    }

    @Override
    public synchronized Optional<CoreAgent> unregister(String name) {
        Snapshot current = snapshot;
        CoreAgent agent = current.byName().get(name);
        if (agent == null) {
            return Optional.empty();
        }
        Map<String, CoreAgent> byName = new LinkedHashMap<>(current.byName());
        byName.remove(name);
        Map<String, CoreAgent> byAlias = new LinkedHashMap<>(current.byAlias());
        byAlias.remove(AliasKey.of(name));
        List<CoreAgent> ordered = new ArrayList<>(current.ordered());
        ordered.remove(agent);
        snapshot = new Snapshot(Map.copyOf(byName), Map.copyOf(byAlias), List.copyOf(ordered));
        stopAgent(agent);
        return Optional.of(agent);
    }

    @Override
    public Optional<CoreAgent> find(String name) {
        Snapshot current = snapshot;
        CoreAgent exact = current.byName().get(name);
        return exact != null ? Optional.of(exact) : Optional.ofNullable(current.byAlias().get(AliasKey.of(name)));
    }

    @Override
    public List<CoreAgent> agents() {
        return snapshot.ordered();
    }

    @Override
    public AgentResponse execute(String agentName, String capabilityName, Map<String, ?> arguments,
                                 ExecutionContext context) {
        CoreAgent agent = get(agentName);
        Capability capability = agent.capability(capabilityName)
                .orElseThrow(() -> new CapabilityNotFoundException(agent.name(), capabilityName));
        long start = System.nanoTime();
        if (!accessPolicy.permits(context, agent, capability)) {
            notifyListeners(agent, capability, context, arguments, start, ExecutionOutcome.DENIED, "forbidden");
            throw new AccessDeniedException(context.principal(), agent.name(), capability.name());
        }
        Duration timeout = capability.timeout().orElse(defaultTimeout);
        AgentCall call = new AgentCall(capability.name(), arguments, context, this, timeout);
        AgentResponse response;
        try {
            response = invoker.invoke(agent, capability, call);
        } catch (InvalidArgumentsException e) {
            notifyListeners(agent, capability, context, arguments, start, ExecutionOutcome.INVALID_ARGUMENTS,
                    e.code());
            throw e;
        }
        String errorCode = response.errorCode().orElse(null);
        ExecutionOutcome outcome = errorCode == null ? ExecutionOutcome.SUCCESS
                : AgentError.TIMEOUT.equals(errorCode) ? ExecutionOutcome.TIMEOUT
                : ExecutionOutcome.FAILURE;
        notifyListeners(agent, capability, context, arguments, start, outcome, errorCode);
        return response;
    }

    private void notifyListeners(CoreAgent agent, Capability capability, ExecutionContext context,
                                 Map<String, ?> arguments, long start, ExecutionOutcome outcome,
                                 @Nullable String errorCode) {
        if (listeners.isEmpty()) {
            return;
        }
        ExecutionEvent event = new ExecutionEvent(agent.name(), capability.name(), capability.kind(), context,
                Duration.ofNanos(System.nanoTime() - start), outcome, errorCode, List.copyOf(arguments.keySet()));
        for (ExecutionListener listener : listeners) {
            try {
                listener.onExecution(event);
            } catch (RuntimeException e) {
                LOG.warn("execution listener {} failed", listener, e);
            }
        }
    }

    @Override
    public synchronized void start() {
        if (started) {
            return;
        }
        List<CoreAgent> startedNow = new ArrayList<>();
        try {
            for (CoreAgent agent : snapshot.ordered()) {
                startAgent(agent);
                startedNow.add(agent);
            }
        } catch (RuntimeException e) {
            for (int i = startedNow.size() - 1; i >= 0; i--) {
                stopAgent(startedNow.get(i));
            }
            throw e;
        }
        started = true;
    }

    private void startAgent(CoreAgent agent) {
        try {
            agent.start();
        } catch (RuntimeException e) {
            throw new AgentRegistrationException("agent '" + agent.name() + "' failed to start: " + e.getMessage(), e);
        }
        startedAgents.put(agent.name(), Boolean.TRUE);
    }

    private void stopAgent(CoreAgent agent) {
        if (startedAgents.remove(agent.name()) == null) {
            return;
        }
        try {
            agent.stop();
        } catch (RuntimeException e) {
            LOG.warn("agent '{}' failed to stop cleanly", agent.name(), e);
        }
    }

    @Override
    public synchronized void stop() {
        List<CoreAgent> ordered = snapshot.ordered();
        for (int i = ordered.size() - 1; i >= 0; i--) {
            stopAgent(ordered.get(i));
        }
        started = false;
    }

    @Override
    public boolean isStarted() {
        return started;
    }

    @Override
    public RegistryHealth health() {
        Map<String, AgentHealth> byAgent = new LinkedHashMap<>();
        HealthStatus overall = HealthStatus.HEALTHY;
        for (CoreAgent agent : snapshot.ordered()) {
            AgentHealth health;
            try {
                health = agent.health();
            } catch (RuntimeException e) {
                LOG.warn("health check of agent '{}' threw", agent.name(), e);
                health = AgentHealth.unhealthy("health check failed");
            }
            byAgent.put(agent.name(), health);
            overall = HealthStatus.worst(overall, health.status());
        }
        return new RegistryHealth(overall, byAgent);
    }

    @Override
    public void close() {
        stop();
        timeoutExecutor.shutdownNow();
    }
}
