package io.twisterlab.agents.database;

import io.twisterlab.agents.internal.ProviderConfig;
import io.twisterlab.core.CoreAgent;
import io.twisterlab.core.spi.AgentProvider;
import io.twisterlab.core.spi.ProviderContext;
import io.twisterlab.core.spi.SettingKey;
import java.util.Collection;
import java.util.List;

/**
 * Builds the {@code database} agent from {@code agents.database.url} (default: embedded H2 in memory),
 * {@code agents.database.username}, {@code agents.database.password}, {@code agents.database.pool_size} (1-100,
 * default 5), {@code agents.database.max_result_bytes} (1024 to 1073741824, default 8388608) and
 * {@code agents.database.allow_privileged_account} (default false: a PostgreSQL superuser or member of
 * {@code pg_signal_backend}/{@code pg_*_server_files}/{@code pg_execute_server_program} is refused queries); the old
 * names {@code database.*} are still accepted ({@link ProviderConfig#RENAMED}).
 * {@code agents.database.enabled=false} disables it.
 *
 * <pre>{@code
 * ProviderContext.builder().config("agents.database.url", "jdbc:postgresql://db/app")
 *         .config("agents.database.username", "ro").build();
 * }</pre>
 */
public final class DatabaseAgentProvider implements AgentProvider {
    @Override
    public List<SettingKey> settingKeys() {
        return List.of(new SettingKey(DatabaseAgent.NAME, "url", "JDBC URL; empty = embedded H2"),
                new SettingKey(DatabaseAgent.NAME, "username", "database user"),
                new SettingKey(DatabaseAgent.NAME, "password", "database password (never logged)"),
                new SettingKey(DatabaseAgent.NAME, "pool_size", "connection pool size, 1-100 [5]"),
                new SettingKey(DatabaseAgent.NAME, "max_result_bytes", "largest execute_query result [8388608]"),
                new SettingKey(DatabaseAgent.NAME, "allow_privileged_account",
                        "serve queries as a PostgreSQL superuser or pg_signal_backend member [false]"));
    }

    @Override
    public Collection<? extends CoreAgent> createAgents(ProviderContext context) {
        return ProviderConfig.withNewNames(context, this::create);
    }

    private Collection<? extends CoreAgent> create(ProviderContext context) {
        if (!ProviderConfig.enabled(context, DatabaseAgent.NAME)) {
            return List.of();
        }
        String url = ProviderConfig.string(context, "agents.database.url", DatabaseAgent.DEFAULT_URL);
        if (!url.startsWith("jdbc:")) {
            throw new IllegalArgumentException("setting 'agents.database.url' must be a JDBC URL starting with jdbc:");
        }
        return List.of(DatabaseAgent.builder()
                .url(url)
                .username(context.config("agents.database.username").orElse(""))
                .password(context.config("agents.database.password").orElse(""))
                .poolSize(ProviderConfig.intInRange(context, "agents.database.pool_size", 5, 1, 100))
                .maxResultBytes(ProviderConfig.intInRange(context, "agents.database.max_result_bytes",
                        (int) DatabaseAgent.DEFAULT_MAX_RESULT_BYTES, 1024, 1 << 30))
                .allowPrivilegedAccount(ProviderConfig.bool(context, "agents.database.allow_privileged_account", false))
                .build());
    }
}
