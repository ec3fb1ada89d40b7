package io.twisterlab.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.twisterlab.core.AgentRegistrationException;
import io.twisterlab.core.AgentRegistry;
import io.twisterlab.core.CoreAgent;
import io.twisterlab.core.spi.ProviderContext;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The four agents are found through ServiceLoader and built from flat configuration. */
class AgentsDiscoveryTest {
    @Test
    void allFourAgentsAreDiscoveredWithDefaults() {
        try (AgentRegistry registry = AgentRegistry.builder().discover(ProviderContext.builder()
                .config("database.url", "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1").build()).build()) {
            registry.start();
            assertThat(registry.agents()).extracting(CoreAgent::name)
                    .contains("monitoring", "database", "cache", "maestro");
            assertThat(registry.get("maestro").capability("chat")).isEmpty();
            assertThat(registry.execute("database", "execute_query", Map.of("sql", "SELECT 1")).success()).isTrue();
            assertThat(registry.execute("cache", "cache_stats", Map.of()).success()).isTrue();
        }
    }

    @Test
    void configurationDisablesAgentsAndEnablesTheLlm() {
        try (AgentRegistry registry = AgentRegistry.builder().discover(ProviderContext.builder()
                .config("agents.database.enabled", "false").config("agents.cache.enabled", "false")
                .config("llm.url", "http://127.0.0.1:9").build()).build()) {
            assertThat(registry.agents()).extracting(CoreAgent::name)
                    .contains("monitoring", "maestro").doesNotContain("database", "cache");
            assertThat(registry.get("maestro").capability("chat")).isPresent();
            assertThat(registry.get("maestro").capability("generate")).isPresent();
        }
    }

    @Test
    void invalidConfigurationNamesTheKey() {
        assertThatThrownBy(() -> AgentRegistry.builder().discover(ProviderContext.builder()
                .config("llm.url", "ftp://example").build()))
                .isInstanceOf(AgentRegistrationException.class).hasMessageContaining("'agents.maestro.llm_url' (given as llm.url)");
        assertThatThrownBy(() -> AgentRegistry.builder().discover(ProviderContext.builder()
                .config("llm.timeout_ms", "soon").config("llm.url", "http://127.0.0.1:9").build()))
                .isInstanceOf(AgentRegistrationException.class).hasMessageContaining("llm.timeout_ms");
    }

    @Test
    void newNamesUnderAgentsAreReadAndOldNamesStillWork() {
        try (AgentRegistry registry = AgentRegistry.builder().discover(ProviderContext.builder()
                .config("agents.maestro.llm_url", "http://127.0.0.1:9").build()).build()) {
            assertThat(registry.get("maestro").capability("chat")).isPresent();
        }
        assertThatThrownBy(() -> AgentRegistry.builder().discover(ProviderContext.builder()
                .config("agents.database.pool_size", "0").build()))
                .hasMessageContaining("setting 'agents.database.pool_size' must be between 1 and 100")
                .hasMessageNotContaining("given as");
        assertThatThrownBy(() -> AgentRegistry.builder().discover(ProviderContext.builder()
                .config("database.pool_size", "0").build()))
                .hasMessageContaining("'agents.database.pool_size' (given as database.pool_size) must be between");
    }

    @Test
    void oldAndNewNameWithDifferentValuesAreRefused() {
        assertThatThrownBy(() -> AgentRegistry.builder().discover(ProviderContext.builder()
                .config("cache.backend", "memory").config("agents.cache.backend", "redis").build()))
                .isInstanceOf(AgentRegistrationException.class)
                .hasMessageContaining("settings 'agents.cache.backend' and its old name 'cache.backend' are both set, "
                        + "to different values");
        try (AgentRegistry registry = AgentRegistry.builder().discover(ProviderContext.builder()
                .config("cache.backend", "memory").config("agents.cache.backend", " memory").build()).build()) {
            assertThat(registry.get("cache").name()).isEqualTo("cache");
        }
    }

    @Test
    void anUnknownKeyOfABuiltInAgentIsRefusedNamingTheClosest() {
        assertThatThrownBy(() -> AgentRegistry.builder().discover(ProviderContext.builder()
                .config("agents.database.pool_sise", "3").build()))
                .isInstanceOf(AgentRegistrationException.class)
                .hasMessageContaining("unknown setting 'agents.database.pool_sise': did you mean "
                        + "'agents.database.pool_size'?");
        assertThatThrownBy(() -> AgentRegistry.builder().discover(ProviderContext.builder()
                .config("agents.monitoring.timeout", "3").build()))
                .hasMessageContaining("did you mean 'agents.monitoring.check_timeout_ms'?");
        try (AgentRegistry registry = AgentRegistry.builder().discover(ProviderContext.builder()
                .config("agents.monitoring.enabled", "true").config("agents.monitoring.check_timeout_ms", "500")
                .config("agents.elsewhere.anything", "x").build()).build()) {
            assertThat(registry.get("monitoring").name()).isEqualTo("monitoring");
        }
    }
}
