package com.example.greeter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.twisterlab.core.AgentRegistrationException;
import io.twisterlab.core.AgentRegistry;
import io.twisterlab.core.spi.ProviderContext;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The provider as the server runs it: discovered through META-INF/services, with its settings checked. */
class GreeterProviderTest {
    @Test
    void isDiscoveredAndReadsItsSetting() {
        try (AgentRegistry registry = AgentRegistry.builder()
                .discover(ProviderContext.builder().config("agents.greeter.greeting", "Bonjour").build()).build()) {
            registry.start();
            assertThat(registry.execute("greeter", "greet", Map.of("name", "Ada")).data())
                    .isEqualTo(Map.of("greeting", "Bonjour, Ada"));
        }
    }

    @Test
    void aMisspeltOrInvalidSettingIsRefused() {
        assertThatThrownBy(() -> AgentRegistry.builder()
                .discover(ProviderContext.builder().config("agents.greeter.greting", "Hi").build()))
                .isInstanceOf(AgentRegistrationException.class)
                .hasMessageContaining("did you mean 'agents.greeter.greeting'?");
        assertThatThrownBy(() -> AgentRegistry.builder()
                .discover(ProviderContext.builder().config("agents.greeter.greeting", " ").build()))
                .hasMessageContaining("agents.greeter.greeting");
    }
}
