package io.twisterlab.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.twisterlab.core.spi.AgentDiscovery;
import io.twisterlab.core.spi.AgentProvider;
import io.twisterlab.core.spi.ProviderContext;
import io.twisterlab.core.spi.SettingKey;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The custom-agent example from README.md, verbatim, so the documentation cannot rot. */
class ReadmeExampleTest {
    public static final class GreeterAgent extends AbstractCoreAgent {
        public GreeterAgent(String greeting) {
            super("greeter", "Greets people", "1.0.0");
            query("greet", "Says hello to someone")
                    .param(Param.builder("name", ParamType.STRING).defaultValue("world").maxLength(50).build())
                    .handler(inv -> Map.of("greeting", greeting + ", " + inv.arguments().getString("name")));
            action("forget", "Clears what the greeter remembers")
                    .handler(inv -> AgentResponse.failure("nothing_to_forget", "The greeter remembers nothing"));
        }
    }

    public static final class GreeterProvider implements AgentProvider {
        @Override
        public Collection<? extends CoreAgent> createAgents(ProviderContext context) {
            return List.of(new GreeterAgent(context.config("agents.greeter.greeting").orElse("Hello")));
        }

        @Override
        public List<SettingKey> settingKeys() {   // optional: then agents.greeter.greting is refused at start-up
            return List.of(new SettingKey("greeter", "greeting", "the word before the name [Hello]"));
        }
    }

    @Test
    void theReadmeAgentWorksThroughARegistry() {
        ProviderContext context = ProviderContext.builder().config("agents.greeter.greeting", "Salut").build();
        AgentRegistry.Builder builder = AgentRegistry.builder();
        GreeterProvider provider = new GreeterProvider();
        AgentDiscovery.checkKeys(context, provider.settingKeys());
        provider.createAgents(context).forEach(builder::register);
        try (AgentRegistry registry = builder.build()) {
            registry.start();
            assertThat(registry.execute("Greeter_Agent", "greet", Map.of("name", "Ada")).data())
                    .isEqualTo(Map.of("greeting", "Salut, Ada"));
            AgentResponse forget = registry.execute("greeter", "forget", Map.of());
            assertThat(forget.success()).isFalse();
            assertThat(forget.errorCode()).contains("nothing_to_forget");
        }
    }

    @Nested
    class GreeterAgentContractTest extends AbstractAgentContractTest {
        @Override
        protected CoreAgent createAgent() {
            return new GreeterAgent("Hello");
        }
    }
}
