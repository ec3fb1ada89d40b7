package com.example.greeter;

import io.twisterlab.core.CoreAgent;
import io.twisterlab.core.spi.AgentProvider;
import io.twisterlab.core.spi.ProviderContext;
import io.twisterlab.core.spi.SettingKey;
import java.util.Collection;
import java.util.List;

/**
 * Makes the greeter discoverable (listed in {@code META-INF/services/io.twisterlab.core.spi.AgentProvider}). It reads
 * {@code agents.greeter.greeting} (YAML {@code agents: {greeter: {greeting: Hi}}} or
 * {@code TWISTERLAB_AGENTS_GREETER_GREETING=Hi}) and declares it, so the server refuses a misspelt key.
 *
 * <pre>{@code
 * new GreeterProvider().createAgents(ProviderContext.builder().config("agents.greeter.greeting", "Hi").build());
 * }</pre>
 */
public final class GreeterProvider implements AgentProvider {
    @Override
    public Collection<? extends CoreAgent> createAgents(ProviderContext context) {
        String greeting = context.config("agents.greeter.greeting").orElse("Hello").strip();
        if (greeting.isEmpty() || greeting.length() > 40) {
            throw new IllegalArgumentException("setting 'agents.greeter.greeting' must be 1 to 40 characters");
        }
        return List.of(new GreeterAgent(greeting));
    }

    @Override
    public List<SettingKey> settingKeys() {
        return List.of(new SettingKey("greeter", "greeting", "the word before the name, 1-40 characters [Hello]"));
    }
}
