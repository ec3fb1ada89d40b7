/**
 * The {@code database} agent: read-only SQL over JDBC through a HikariCP pool, with schema introspection through
 * {@link java.sql.DatabaseMetaData}. An embedded H2 database is the default; PostgreSQL is supported.
 *
 * <pre>{@code
 * DatabaseAgent agent = DatabaseAgent.builder().url("jdbc:postgresql://db:5432/app").username("reader")
 *         .password(secret).poolSize(5).build();
 * registry.register(agent);
 * registry.execute("database", "execute_query", Map.of("sql", "SELECT id FROM orders WHERE total > ?",
 *         "params", List.of(100), "limit", 50));
 * }</pre>
 *
 * <p>Null policy: nothing is null unless annotated {@code @Nullable}.
 */
@NullMarked
package io.twisterlab.agents.database;

import org.jspecify.annotations.NullMarked;
