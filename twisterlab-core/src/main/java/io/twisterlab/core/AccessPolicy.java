package io.twisterlab.core;

/**
 * Decides whether a caller may execute a capability. The registry asks before every execution, nested ones
 * included.
 *
 * <pre>{@code
 * AccessPolicy viewersQueryOnly = (ctx, agent, capability) ->
 *         capability.kind() == CapabilityKind.QUERY || ctx.hasRole("operator") || ctx.hasRole("admin");
 * AgentRegistry registry = AgentRegistry.builder().accessPolicy(viewersQueryOnly).build();
 * }</pre>
 */
@FunctionalInterface
public interface AccessPolicy {
    boolean permits(ExecutionContext context, CoreAgent agent, Capability capability);

    /** Everyone may execute everything: for in-process embedding where the application is the only caller. */
    static AccessPolicy allowAll() {
        return (context, agent, capability) -> true;
    }
}
