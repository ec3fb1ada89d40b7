package io.twisterlab.agents.database;

import io.twisterlab.agents.internal.ProviderConfig;
import io.twisterlab.core.CoreAgent;
import io.twisterlab.core.spi.AgentProvider;
import io.twisterlab.core.spi.ProviderContext;
import java.util.Collection;
import java.util.List;

/**
 * Builds the {@code database} agent from {@code database.url} (default: embedded H2 in memory),
 * {@code database.username}, {@code database.password}, {@code database.pool_size} (1-100, default 5),
 * {@code database.max_result_bytes} (1024 to 1073741824, default 8388608) and
 * {@code database.allow_privileged_account} (default false: a PostgreSQL superuser or member of
 * {@code pg_signal_backend}/{@code pg_*_server_files}/{@code pg_execute_server_program} is refused queries).
 * {@code agents.database.enabled=false} disables it.
 *
 * <pre>{@code
 * ProviderContext.builder().config("database.url", "jdbc:postgresql://db/app").config("database.username", "ro").build();
 * }</pre>
 */
public final class DatabaseAgentProvider implements AgentProvider {
    @Override
    public Collection<? extends CoreAgent> createAgents(ProviderContext context) {
        if (!ProviderConfig.enabled(context, DatabaseAgent.NAME)) {
            return List.of();
        }
        String url = ProviderConfig.string(context, "database.url", DatabaseAgent.DEFAULT_URL);
        if (!url.startsWith("jdbc:")) {
            throw new IllegalArgumentException("setting 'database.url' must be a JDBC URL starting with jdbc:");
        }
        return List.of(DatabaseAgent.builder()
                .url(url)
                .username(context.config("database.username").orElse(""))
                .password(context.config("database.password").orElse(""))
                .poolSize(ProviderConfig.intInRange(context, "database.pool_size", 5, 1, 100))
                .maxResultBytes(ProviderConfig.intInRange(context, "database.max_result_bytes",
                        (int) DatabaseAgent.DEFAULT_MAX_RESULT_BYTES, 1024, 1 << 30))
                .allowPrivilegedAccount(ProviderConfig.bool(context, "database.allow_privileged_account", false))
                .build());
    }
}
