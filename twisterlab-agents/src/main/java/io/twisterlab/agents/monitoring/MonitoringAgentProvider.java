package io.twisterlab.agents.monitoring;

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
 * Builds the {@code monitoring} agent from configuration. Its {@code health_check} probes the services the
 * configuration names, each within {@code agents.monitoring.check_timeout_ms} (default 2000): the database when
 * {@code agents.database.url} is set, Redis ({@code redis.url}) when {@code agents.cache.backend=redis}, and the LLM
 * endpoint ({@code agents.maestro.llm_url}, {@code GET /api/tags}) when set (old names accepted, see
 * {@link ProviderConfig#RENAMED}). {@code agents.monitoring.enabled=false} disables the agent.
 *
 * <pre>{@code
 * AgentRegistry.builder().discover(ProviderContext.builder()
 *         .config("agents.maestro.llm_url", "http://localhost:11434").build());
 * }</pre>
 */
public final class MonitoringAgentProvider implements AgentProvider {
    @Override
    public List<SettingKey> settingKeys() {
        return List.of(new SettingKey(MonitoringAgent.NAME, "check_timeout_ms",
                "bound on each service check of health_check [2000]"));
    }

    @Override
    public Collection<? extends CoreAgent> createAgents(ProviderContext context) {
        return ProviderConfig.withNewNames(context, this::create);
    }

    private Collection<? extends CoreAgent> create(ProviderContext context) {
        if (!ProviderConfig.enabled(context, MonitoringAgent.NAME)) {
            return List.of();
        }
        Duration timeout = ProviderConfig.positiveMillis(context, "agents.monitoring.check_timeout_ms",
                Duration.ofSeconds(2));
        MonitoringAgent.Builder builder = MonitoringAgent.builder();
        if (context.config("agents.database.url").isPresent()) {
            builder.serviceCheck(ServiceCheck.jdbc("database", ProviderConfig.string(context, "agents.database.url", ""),
                    context.config("agents.database.username").orElse(""), context.config("agents.database.password").orElse(""),
                    timeout));
        }
        if (ProviderConfig.oneOf(context, "agents.cache.backend", "memory", "memory", "redis").equals("redis")) {
            try {
                builder.serviceCheck(ServiceCheck.redis("redis",
                        ProviderConfig.string(context, "redis.url", "redis://localhost:6379"), timeout));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("setting 'redis.url' is invalid: " + e.getMessage(), e);
            }
        }
        if (context.config("agents.maestro.llm_url").isPresent()) {
            URI base = uri(context, "agents.maestro.llm_url", "");
            builder.serviceCheck(ServiceCheck.http("llm", base.resolve(base.getPath().endsWith("/") ? "api/tags"
                    : base.getPath() + "/api/tags"), timeout));
        }
        return List.of(builder.build());
    }

    static URI uri(ProviderContext context, String key, String defaultValue) {
        String value = ProviderConfig.string(context, key, defaultValue);
        try {
            URI uri = URI.create(value);
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new IllegalArgumentException("setting '" + key + "' must be an absolute URL with a host");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("setting '" + key + "' is not a valid URL", e);
        }
    }
}
