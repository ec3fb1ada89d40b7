package io.twisterlab.server.auth;

import io.twisterlab.core.AccessPolicy;
import io.twisterlab.core.Capability;
import io.twisterlab.core.CapabilityKind;
import io.twisterlab.core.CoreAgent;
import io.twisterlab.core.ExecutionContext;
import io.twisterlab.server.ServerConfig.AccessOverride;
import io.twisterlab.server.ServerConfig.Role;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The server's access policy: {@code viewer} runs QUERY capabilities, {@code operator} QUERY and ACTION,
 * {@code admin} everything. A YAML override for an agent's capability (or {@code *} for all of an agent's
 * capabilities) replaces the default with its own role list; admin is always allowed. A context without any of
 * these roles is denied.
 */
public final class RolePolicy implements AccessPolicy {
    private final Map<String, Set<Role>> overrides = new HashMap<>();

    public RolePolicy(List<AccessOverride> overrides) {
        for (AccessOverride o : overrides) {
            this.overrides.put(o.agent() + "\u0000" + o.capability(), o.roles());
        }
    }

    /** The highest role in the context, or null. */
    public static @Nullable Role roleOf(ExecutionContext context) {
        Role best = null;
        for (Role r : Role.values()) {
            if (context.hasRole(r.id())) {
                best = r;
            }
        }
        return best;
    }

    @Override
    public boolean permits(ExecutionContext context, CoreAgent agent, Capability capability) {
        Role role = roleOf(context);
        if (role == null) {
            return false;
        }
        if (role == Role.ADMIN) {
            return true;
        }
        Set<Role> allowed = overrides.get(agent.name() + "\u0000" + capability.name());
        if (allowed == null) {
            allowed = overrides.get(agent.name() + "\u0000*");
        }
        if (allowed != null) {
            return allowed.contains(role);
        }
        return capability.kind() == CapabilityKind.QUERY || role == Role.OPERATOR;
    }
}
