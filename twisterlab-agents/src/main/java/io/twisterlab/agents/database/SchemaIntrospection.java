package io.twisterlab.agents.database;

import io.twisterlab.core.AgentResponse;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** {@code list_tables} and {@code describe_table} through {@link DatabaseMetaData}, on a borrowed connection. */
final class SchemaIntrospection {
    private static final Set<String> TABLE_TYPES = Set.of("TABLE", "BASE TABLE", "VIEW", "MATERIALIZED VIEW",
            "FOREIGN TABLE", "PARTITIONED TABLE");
    private static final Set<String> SYSTEM_SCHEMAS = Set.of("INFORMATION_SCHEMA", "PG_CATALOG", "PG_TOAST");

    private SchemaIntrospection() {
    }

    static Object listTables(Connection connection, @Nullable String schema) throws SQLException {
        try {
            DatabaseMetaData meta = connection.getMetaData();
            List<Map<String, Object>> tables = tables(meta, schema == null ? null : escape(meta, schema));
            if (tables.isEmpty() && schema != null) {
                tables = tables(meta, escape(meta, normalise(meta, schema)));
            }
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("schema", schema);
            result.put("tables", tables);
            result.put("count", tables.size());
            return result;
        } finally {
            connection.rollback();
        }
    }

    private static List<Map<String, Object>> tables(DatabaseMetaData meta, @Nullable String schemaPattern)
            throws SQLException {
        List<Map<String, Object>> tables = new ArrayList<>();
        try (ResultSet rs = meta.getTables(null, schemaPattern, "%", null)) {
            while (rs.next()) {
                String type = rs.getString("TABLE_TYPE");
                String tableSchema = rs.getString("TABLE_SCHEM");
                if (type == null || !TABLE_TYPES.contains(type.toUpperCase(Locale.ROOT))) {
                    continue;
                }
                if (schemaPattern == null && tableSchema != null
                        && SYSTEM_SCHEMAS.contains(tableSchema.toUpperCase(Locale.ROOT))) {
                    continue;
                }
                Map<String, Object> table = new LinkedHashMap<>();
                table.put("schema", tableSchema);
                table.put("name", rs.getString("TABLE_NAME"));
                table.put("type", type);
                tables.add(table);
            }
        }
        return tables;
    }

    static Object describeTable(Connection connection, String tableName, @Nullable String requestedSchema)
            throws SQLException {
        try {
            DatabaseMetaData meta = connection.getMetaData();
            String schema = requestedSchema != null ? requestedSchema : connection.getSchema();
            List<Map<String, Object>> columns = columns(meta, schema, tableName);
            if (columns.isEmpty()) {
                schema = schema == null ? null : normalise(meta, schema);
                tableName = normalise(meta, tableName);
                columns = columns(meta, schema, tableName);
            }
            if (columns.isEmpty()) {
                return AgentResponse.failure("table_not_found", "No table or view '" + tableName + "'"
                        + (schema == null ? "" : " in schema '" + schema + "'"));
            }
            String actualSchema = (String) columns.get(0).remove("_schema");
            String actualName = (String) columns.get(0).remove("_table");
            columns.forEach(c -> {
                c.remove("_schema");
                c.remove("_table");
            });
            List<String> primaryKey = primaryKey(meta, actualSchema, actualName);
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("schema", actualSchema);
            result.put("table", actualName);
            result.put("columns", columns);
            result.put("primary_key", primaryKey);
            return result;
        } finally {
            connection.rollback();
        }
    }

    private static List<Map<String, Object>> columns(DatabaseMetaData meta, @Nullable String schema, String table)
            throws SQLException {
        List<Map<String, Object>> columns = new ArrayList<>();
        try (ResultSet rs = meta.getColumns(null, schema == null ? null : escape(meta, schema), escape(meta, table),
                "%")) {
            while (rs.next()) {
                Map<String, Object> column = new LinkedHashMap<>();
                column.put("_schema", rs.getString("TABLE_SCHEM"));
                column.put("_table", rs.getString("TABLE_NAME"));
                column.put("name", rs.getString("COLUMN_NAME"));
                column.put("type", rs.getString("TYPE_NAME"));
                int size = rs.getInt("COLUMN_SIZE");
                column.put("size", rs.wasNull() ? null : size);
                column.put("nullable", rs.getInt("NULLABLE") != DatabaseMetaData.columnNoNulls);
                column.put("default", rs.getString("COLUMN_DEF"));
                column.put("position", rs.getInt("ORDINAL_POSITION"));
                columns.add(column);
            }
        }
        return columns;
    }

    private static List<String> primaryKey(DatabaseMetaData meta, @Nullable String schema, @Nullable String table)
            throws SQLException {
        List<Map.Entry<Integer, String>> keys = new ArrayList<>();
        try (ResultSet rs = meta.getPrimaryKeys(null, schema, table)) {
            while (rs.next()) {
                keys.add(Map.entry(rs.getInt("KEY_SEQ"), rs.getString("COLUMN_NAME")));
            }
        }
        keys.sort(Map.Entry.comparingByKey());
        return keys.stream().map(Map.Entry::getValue).toList();
    }

    private static String escape(DatabaseMetaData meta, String name) throws SQLException {
        String escape = meta.getSearchStringEscape();
        if (escape == null || escape.isEmpty()) {
            return name;
        }
        return name.replace(escape, escape + escape).replace("_", escape + "_").replace("%", escape + "%");
    }

    /** How the database stores an unquoted identifier: H2 upper-cases, PostgreSQL lower-cases. */
    private static String normalise(DatabaseMetaData meta, String identifier) throws SQLException {
        if (meta.storesUpperCaseIdentifiers()) {
            return identifier.toUpperCase(Locale.ROOT);
        }
        if (meta.storesLowerCaseIdentifiers()) {
            return identifier.toLowerCase(Locale.ROOT);
        }
        return identifier;
    }
}
