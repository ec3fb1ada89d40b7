package io.twisterlab.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.twisterlab.core.AgentRegistrationException;
import io.twisterlab.core.AgentRegistry;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceLoaderDiscoveryTest {
    @Test
    void discoversProvidersAndPassesThemConfiguration() {
        try (AgentRegistry registry = AgentRegistry.builder()
                .discover(ProviderContext.builder().config("greeter.greeting", "Bonjour").build()).build()) {
            assertThat(registry.get("greeter").name()).isEqualTo("greeter");
            assertThat(registry.execute("greeter", "greet", Map.of()).data())
                    .isEqualTo(Map.of("greeting", "Bonjour"));
        }
    }

    @Test
    void aProviderMayReturnNoAgents() {
        try (AgentRegistry registry = AgentRegistry.builder()
                .discover(ProviderContext.builder().config("greeter.enabled", "false").build()).build()) {
            assertThat(registry.agents()).isEmpty();
        }
    }

    @Test
    void agentsEnabledFalseLeavesOutAnyDiscoveredAgent() {
        try (AgentRegistry registry = AgentRegistry.builder()
                .discover(ProviderContext.builder().config("agents.greeter.enabled", "FALSE").build()).build()) {
            assertThat(registry.agents()).isEmpty();
        }
        ProviderContext on = ProviderContext.builder().config("agents.greeter.enabled", "true").build();
        assertThat(AgentDiscovery.all(on, getClass().getClassLoader())).singleElement()
                .satisfies(d -> assertThat(d.provider()).isEqualTo(TestAgentProvider.class));
    }

    @Test
    void definedByKeepsOnlyTheProvidersOfThatLoader(@TempDir Path dir) throws Exception {
        try (URLClassLoader child = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            assertThat(AgentDiscovery.all(ProviderContext.empty(), child)).hasSize(1);
            assertThat(AgentDiscovery.definedBy(ProviderContext.empty(), child)).isEmpty();
        }
        assertThat(AgentDiscovery.definedBy(ProviderContext.empty(), getClass().getClassLoader())).hasSize(1);
    }

    @Test
    void anUnloadableProviderFailsWithItsName(@TempDir Path dir) throws Exception {
        Path services = Files.createDirectories(dir.resolve("META-INF/services"));
        Files.writeString(services.resolve(AgentProvider.class.getName()), "com.example.Missing\n");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()},
                AgentProvider.class.getClassLoader())) {
            assertThatThrownBy(() -> AgentRegistry.builder().discover(ProviderContext.empty(), loader))
                    .isInstanceOf(AgentRegistrationException.class)
                    .hasMessageContaining("cannot load agent providers").hasMessageContaining("com.example.Missing");
        }
    }

    @Test
    void contextExposesTypedConfigurationAndResources() {
        ProviderContext context = ProviderContext.builder()
                .config(Map.of("pool.size", "8", "timeout_ms", "250", "bad", "x"))
                .resource(Duration.class, Duration.ofSeconds(1)).build();
        assertThat(context.configLong("pool.size")).contains(8L);
        assertThat(context.configMillis("timeout_ms")).contains(Duration.ofMillis(250));
        assertThat(context.resource(Duration.class)).contains(Duration.ofSeconds(1));
        assertThat(context.resource(String.class)).isEmpty();
        assertThatThrownBy(() -> context.configLong("bad"))
                .hasMessage("setting 'bad' must be an integer, got 'x'");
    }

    @Test
    void aFailingProviderIsNamed() {
        ProviderContext context = ProviderContext.builder().config("greeter.greeting", "x").build();
        assertThat(context.config()).containsEntry("greeter.greeting", "x");
        assertThatThrownBy(() -> AgentRegistry.builder().register(new TestAgentProvider.Greeter("Hi"))
                .discover(context).build())
                .isInstanceOf(AgentRegistrationException.class)
                .hasMessageContaining("'greeter' is already registered");
    }
}
