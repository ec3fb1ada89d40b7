package io.twisterlab.agents.database;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Array;
import java.sql.Clob;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Converts JDBC values to JSON-like values and back. */
final class JdbcValues {
    private static final int MAX_TEXT = 1_000_000;

    private JdbcValues() {
    }

    static @Nullable Object read(ResultSet rs, int column, String typeName) throws SQLException {
        String type = typeName.toLowerCase(java.util.Locale.ROOT);
        if (type.equals("timestamptz") || type.contains("with time zone")) {
            // keep the offset: a plain Timestamp would be shifted into the JVM's zone
            java.time.OffsetDateTime value = rs.getObject(column, java.time.OffsetDateTime.class);
            return value == null ? null : value.toString();
        }
        return toJson(rs.getObject(column));
    }

    static @Nullable Object toJson(@Nullable Object value) throws SQLException {
        if (value == null || value instanceof String || value instanceof Boolean) {
            return value;
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof Long || value instanceof BigDecimal || value instanceof BigInteger) {
            return value;
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            return Double.isFinite(d) ? d : Double.toString(d);
        }
        if (value instanceof java.sql.Date date) {
            return date.toLocalDate().toString();
        }
        if (value instanceof Time time) {
            return time.toLocalTime().toString();
        }
        if (value instanceof Timestamp timestamp) {
            return timestamp.toLocalDateTime().toString();
        }
        if (value instanceof byte[] bytes) {
            return Base64.getEncoder().encodeToString(bytes);
        }
        if (value instanceof Clob clob) {
            long length = clob.length();
            return clob.getSubString(1, (int) Math.min(length, MAX_TEXT));
        }
        if (value instanceof Array array) {
            Object items = array.getArray();
            List<@Nullable Object> list = new ArrayList<>();
            if (items instanceof Object[] objects) {
                for (Object item : objects) {
                    list.add(toJson(item));
                }
            }
            return list;
        }
        if (value instanceof java.sql.Blob blob) {
            long length = blob.length();
            return Base64.getEncoder().encodeToString(blob.getBytes(1, (int) Math.min(length, MAX_TEXT)));
        }
        // java.time values, UUID, PostgreSQL json/interval objects and the like: their text form.
        return value.toString();
    }
}
