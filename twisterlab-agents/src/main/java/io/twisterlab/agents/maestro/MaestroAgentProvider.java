package io.twisterlab.agents.maestro;

import io.twisterlab.agents.internal.ProviderConfig;
import io.twisterlab.core.CoreAgent;
import io.twisterlab.core.spi.AgentProvider;
import io.twisterlab.core.spi.ProviderContext;
import io.twisterlab.core.spi.SettingKey;
import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.List;

/**
 * Builds the {@code maestro} agent. With {@code agents.maestro.llm_url} set (an Ollama-compatible base URL), task
 * analysis asks the model {@code agents.maestro.llm_model} (default {@code llama3.2}) within
 * {@code agents.maestro.llm_timeout_ms} (default 30000) and falls back to the rules, and the {@code chat} and
 * {@code generate} capabilities exist. The old names {@code llm.*} are still accepted
 * ({@link ProviderConfig#RENAMED}). {@code agents.maestro.enabled=false} disables it.
 *
 * <pre>{@code
 * ProviderContext.builder().config("agents.maestro.llm_url", "http://localhost:11434")
 *         .config("agents.maestro.llm_model", "qwen2.5").build();
 * }</pre>
 */
public final class MaestroAgentProvider implements AgentProvider {
    @Override
    public List<SettingKey> settingKeys() {
        return List.of(new SettingKey(MaestroAgent.NAME, "llm_url", "Ollama-compatible LLM base URL; empty = rules only"),
                new SettingKey(MaestroAgent.NAME, "llm_model", "LLM model name [llama3.2]"),
                new SettingKey(MaestroAgent.NAME, "llm_timeout_ms", "LLM call timeout [30000]"));
    }

    @Override
    public Collection<? extends CoreAgent> createAgents(ProviderContext context) {
        return ProviderConfig.withNewNames(context, this::create);
    }

    private Collection<? extends CoreAgent> create(ProviderContext context) {
        if (!ProviderConfig.enabled(context, MaestroAgent.NAME)) {
            return List.of();
        }
        MaestroAgent.Builder builder = MaestroAgent.builder();
        if (context.config("agents.maestro.llm_url").isPresent()) {
            String url = ProviderConfig.string(context, "agents.maestro.llm_url", "");
            URI uri;
            try {
                uri = URI.create(url);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("setting 'agents.maestro.llm_url' is not a valid URL", e);
            }
            if (uri.getScheme() == null || uri.getHost() == null
                    || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
                throw new IllegalArgumentException("setting 'agents.maestro.llm_url' must be an absolute http(s) URL");
            }
            String model = ProviderConfig.string(context, "agents.maestro.llm_model", "llama3.2");
            Duration timeout = ProviderConfig.positiveMillis(context, "agents.maestro.llm_timeout_ms", Duration.ofSeconds(30));
            builder.ollama(new OllamaConfig(uri, model, timeout));
        }
        return List.of(builder.build());
    }
}
