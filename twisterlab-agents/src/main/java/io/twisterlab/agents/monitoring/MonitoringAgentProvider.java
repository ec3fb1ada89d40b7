package io.twisterlab.agents.monitoring;

import io.twisterlab.agents.internal.ProviderConfig;
import io.twisterlab.core.CoreAgent;
import io.twisterlab.core.spi.AgentProvider;
import io.twisterlab.core.spi.ProviderContext;
import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.List;

/**
 * Builds the {@code monitoring} agent from configuration. Its {@code health_check} probes the services the
 * configuration names: the database when {@code database.url} is set, Redis ({@code redis.url}) when
 * {@code cache.backend=redis}, and the LLM endpoint ({@code llm.url}, {@code GET /api/tags}) when set.
 * {@code agents.monitoring.enabled=false} disables the agent.
 *
 * <pre>{@code
 * AgentRegistry.builder().discover(ProviderContext.builder().config("llm.url", "http://localhost:11434").build());
 * }</pre>
 */
public final class MonitoringAgentProvider implements AgentProvider {
    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(2);

    @Override
    public Collection<? extends CoreAgent> createAgents(ProviderContext context) {
        if (!ProviderConfig.enabled(context, MonitoringAgent.NAME)) {
            return List.of();
        }
        MonitoringAgent.Builder builder = MonitoringAgent.builder();
        if (context.config("database.url").isPresent()) {
            builder.serviceCheck(ServiceCheck.jdbc("database", ProviderConfig.string(context, "database.url", ""),
                    context.config("database.username").orElse(""), context.config("database.password").orElse(""),
                    CHECK_TIMEOUT));
        }
        if (ProviderConfig.oneOf(context, "cache.backend", "memory", "memory", "redis").equals("redis")) {
            try {
                builder.serviceCheck(ServiceCheck.redis("redis",
                        ProviderConfig.string(context, "redis.url", "redis://localhost:6379"), CHECK_TIMEOUT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("setting 'redis.url' is invalid: " + e.getMessage(), e);
            }
        }
        if (context.config("llm.url").isPresent()) {
            URI base = uri(context, "llm.url", "");
            builder.serviceCheck(ServiceCheck.http("llm", base.resolve(base.getPath().endsWith("/") ? "api/tags"
                    : base.getPath() + "/api/tags"), CHECK_TIMEOUT));
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
