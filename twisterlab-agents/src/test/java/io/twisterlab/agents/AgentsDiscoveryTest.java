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
                .isInstanceOf(AgentRegistrationException.class).hasMessageContaining("llm.url");
        assertThatThrownBy(() -> AgentRegistry.builder().discover(ProviderContext.builder()
                .config("llm.timeout_ms", "soon").config("llm.url", "http://127.0.0.1:9").build()))
                .isInstanceOf(AgentRegistrationException.class).hasMessageContaining("llm.timeout_ms");
    }
}
