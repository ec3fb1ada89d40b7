package io.twisterlab.core.spi;

import io.twisterlab.core.AbstractCoreAgent;
import io.twisterlab.core.CoreAgent;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** Listed in src/test/resources/META-INF/services; builds a greeter from configuration. */
public final class TestAgentProvider implements AgentProvider {
    @Override
    public Collection<? extends CoreAgent> createAgents(ProviderContext context) {
        if (context.config("greeter.enabled").filter("false"::equals).isPresent()) {
            return List.of();
        }
        String greeting = context.config("greeter.greeting").orElse("Hello");
        return List.of(new Greeter(greeting));
    }

    static final class Greeter extends AbstractCoreAgent {
        Greeter(String greeting) {
            super("greeter", "Greets people", "1.0.0");
            query("greet", "Says hello").handler(inv -> Map.of("greeting", greeting));
        }
    }
}
