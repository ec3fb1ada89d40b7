package io.twisterlab.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.twisterlab.core.AbstractCoreAgent;
import io.twisterlab.core.Capability;
import io.twisterlab.core.CoreAgent;
import io.twisterlab.core.ExecutionContext;
import io.twisterlab.server.ServerConfig.AccessOverride;
import io.twisterlab.server.ServerConfig.Role;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RolePolicyTest {
    static final class Db extends AbstractCoreAgent {
        Db() {
            super("database", "db", "1");
            query("select", "reads").handler(inv -> Map.of());
            query("dump", "reads a lot").handler(inv -> Map.of());
            action("drop", "writes").handler(inv -> Map.of());
        }
    }

    static final CoreAgent DB = new Db();

    static Capability cap(String name) {
        return DB.capability(name).orElseThrow();
    }

    static ExecutionContext as(String... roles) {
        return ExecutionContext.of("p", Set.of(roles), null);
    }

    @Test
    void defaultsByKind() {
        RolePolicy p = new RolePolicy(List.of());
        assertThat(p.permits(as("viewer"), DB, cap("select"))).isTrue();
        assertThat(p.permits(as("viewer"), DB, cap("drop"))).isFalse();
        assertThat(p.permits(as("viewer", "operator"), DB, cap("drop"))).isTrue();
        assertThat(p.permits(as("admin"), DB, cap("drop"))).isTrue();
        assertThat(p.permits(as(), DB, cap("select"))).isFalse();
        assertThat(p.permits(as("root"), DB, cap("select"))).isFalse();
    }

    @Test
    void overridesPerCapabilityThenPerAgentAdminAlwaysAllowed() {
        RolePolicy p = new RolePolicy(List.of(
                new AccessOverride("database", "dump", Set.of(Role.ADMIN)),
                new AccessOverride("database", "*", Set.of(Role.OPERATOR))));
        assertThat(p.permits(as("viewer"), DB, cap("select"))).isFalse();
        assertThat(p.permits(as("viewer", "operator"), DB, cap("select"))).isTrue();
        assertThat(p.permits(as("viewer", "operator"), DB, cap("dump"))).isFalse();
        assertThat(p.permits(as("admin"), DB, cap("dump"))).isTrue();
    }
}
