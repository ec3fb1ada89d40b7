package io.twisterlab.agents.maestro;

import io.twisterlab.agents.internal.ProviderConfig;
import io.twisterlab.core.CoreAgent;
import io.twisterlab.core.spi.AgentProvider;
import io.twisterlab.core.spi.ProviderContext;
import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.List;

/**
 * Builds the {@code maestro} agent. With {@code llm.url} set (an Ollama-compatible base URL), task analysis asks
 * the model {@code llm.model} (default {@code llama3.2}) within {@code llm.timeout_ms} (default 30000) and falls
 * back to the rules, and the {@code chat} and {@code generate} capabilities exist. {@code agents.maestro.enabled=false}
 * disables it.
 *
 * <pre>{@code
 * ProviderContext.builder().config("llm.url", "http://localhost:11434").config("llm.model", "qwen2.5").build();
 * }</pre>
 */
public final class MaestroAgentProvider implements AgentProvider {
    @Override
    public Collection<? extends CoreAgent> createAgents(ProviderContext context) {
        if (!ProviderConfig.enabled(context, MaestroAgent.NAME)) {
            return List.of();
        }
        MaestroAgent.Builder builder = MaestroAgent.builder();
        if (context.config("llm.url").isPresent()) {
            String url = ProviderConfig.string(context, "llm.url", "");
            URI uri;
            try {
                uri = URI.create(url);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("setting 'llm.url' is not a valid URL", e);
            }
            if (uri.getScheme() == null || uri.getHost() == null
                    || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
                throw new IllegalArgumentException("setting 'llm.url' must be an absolute http(s) URL");
            }
            String model = ProviderConfig.string(context, "llm.model", "llama3.2");
            Duration timeout = ProviderConfig.positiveMillis(context, "llm.timeout_ms", Duration.ofSeconds(30));
            builder.ollama(new OllamaConfig(uri, model, timeout));
        }
        return List.of(builder.build());
    }
}
