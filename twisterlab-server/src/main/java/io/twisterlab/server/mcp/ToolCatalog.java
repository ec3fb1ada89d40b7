package io.twisterlab.server.mcp;

import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpStatelessServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpStatelessSyncServer;
import io.modelcontextprotocol.spec.McpSchema;
import io.twisterlab.core.AccessPolicy;
import io.twisterlab.core.AgentDirectory;
import io.twisterlab.core.Capability;
import io.twisterlab.core.CapabilityKind;
import io.twisterlab.core.CoreAgent;
import io.twisterlab.core.ExecutionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Keeps the SDK server's tool list equal to the directory's capabilities: one tool per capability, named
 * {@code <agent>.<capability>}. Agents may be registered and unregistered while the server runs, so every request
 * first checks (by identity, without locking) whether the agents or their capability lists changed, and if so
 * adds and removes the difference.
 */
final class ToolCatalog {
    private static final Logger LOG = LoggerFactory.getLogger(ToolCatalog.class);
    /** MCP 2025-11-25 tool names: 1-128 characters of A-Z a-z 0-9 _ - . */
    private static final Pattern TOOL_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,128}");

    /** One tool: the agent and capability behind it. */
    record ToolRef(CoreAgent agent, Capability capability) {
    }

    private final AgentDirectory directory;
    private final AccessPolicy accessPolicy;
    private final ToolResults results;
    private volatile Fingerprint fingerprint = new Fingerprint(List.of(), List.of());
    private volatile Map<String, ToolRef> tools = Map.of();

    ToolCatalog(AgentDirectory directory, AccessPolicy accessPolicy, ToolResults results) {
        this.directory = directory;
        this.accessPolicy = accessPolicy;
        this.results = results;
    }

    static String toolName(CoreAgent agent, Capability capability) {
        return agent.name() + "." + capability.name();
    }

    /** Brings the SDK server's tools up to date with the directory; cheap when nothing changed. */
    void sync(McpStatelessSyncServer server) {
        if (fingerprint.matches(directory.agents())) {
            return;
        }
        synchronized (this) {
            List<CoreAgent> agents = directory.agents();
            Fingerprint current = Fingerprint.of(agents);
            if (fingerprint.equalsByIdentity(current)) {
                return;
            }
            Map<String, ToolRef> desired = new LinkedHashMap<>();
            for (CoreAgent agent : agents) {
                for (Capability capability : agent.capabilities()) {
                    String name = toolName(agent, capability);
                    if (!TOOL_NAME.matcher(name).matches()) {
                        LOG.warn("capability {} is not exposed over MCP: its tool name is longer than 128 characters",
                                name);
                        continue;
                    }
                    desired.put(name, new ToolRef(agent, capability));
                }
            }
            Map<String, ToolRef> previous = tools;
            for (String name : previous.keySet()) {
                if (!desired.containsKey(name)) {
                    server.removeTool(name);
                }
            }
            for (Map.Entry<String, ToolRef> entry : desired.entrySet()) {
                ToolRef before = previous.get(entry.getKey());
                ToolRef now = entry.getValue();
                if (before == null || before.agent() != now.agent() || before.capability() != now.capability()) {
                    server.addTool(specification(entry.getKey(), now));
                }
            }
            tools = Map.copyOf(desired);
            fingerprint = current;
            LOG.debug("MCP tools now {}", desired.keySet());
        }
    }

    /** The tools/list filter: a tool is visible when the access policy lets the caller execute it. */
    boolean isVisible(McpTransportContext context, McpSchema.Tool tool) {
        ToolRef ref = tools.get(tool.name());
        return ref != null && accessPolicy.permits(callerOf(context), ref.agent(), ref.capability());
    }

    static ExecutionContext callerOf(McpTransportContext context) {
        Object caller = context.get(McpEndpoint.CALLER_KEY);
        return caller instanceof ExecutionContext ctx ? ctx : ExecutionContext.of("anonymous", Set.of(), null);
    }

    private SyncToolSpecification specification(String name, ToolRef ref) {
        Capability capability = ref.capability();
        String description = capability.description().isBlank()
                ? name + " (agent " + ref.agent().name() + ")"
                : capability.description();
        boolean query = capability.kind() == CapabilityKind.QUERY;
        McpSchema.Tool tool = McpSchema.Tool.builder(name, copyOf(capability.inputSchema()))
                .description(description)
                .annotations(new McpSchema.ToolAnnotations(null, query, query ? null : Boolean.TRUE, null, null, null))
                .build();
        String agentName = ref.agent().name();
        String capabilityName = capability.name();
        return new SyncToolSpecification(tool, (context, request) ->
                results.call(name, agentName, capabilityName, request.arguments(), callerOf(context)));
    }

    /** A mutable deep copy: the SDK's schema handling may add keys; the capability's schema stays untouched. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> copyOf(Map<String, Object> schema) {
        Map<String, Object> copy = new LinkedHashMap<>();
        schema.forEach((key, value) -> copy.put(key, value instanceof Map<?, ?> map
                ? copyOf((Map<String, Object>) map)
                : value instanceof List<?> list ? new ArrayList<>(list) : value));
        return copy;
    }

    /** The agents and their capability lists, compared by identity. */
    private record Fingerprint(List<CoreAgent> agents, List<List<Capability>> capabilities) {
        static Fingerprint of(List<CoreAgent> agents) {
            List<List<Capability>> capabilities = new ArrayList<>(agents.size());
            for (CoreAgent agent : agents) {
                capabilities.add(agent.capabilities());
            }
            return new Fingerprint(List.copyOf(agents), capabilities);
        }

        boolean matches(List<CoreAgent> others) {
            if (others.size() != agents.size()) {
                return false;
            }
            for (int i = 0; i < agents.size(); i++) {
                if (others.get(i) != agents.get(i) || others.get(i).capabilities() != capabilities.get(i)) {
                    return false;
                }
            }
            return true;
        }

        boolean equalsByIdentity(Fingerprint other) {
            return matches(other.agents);
        }
    }
}
