package io.twisterlab.agents.database;

import io.twisterlab.core.AgentResponse;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Reads a result set into columns and rows, bounded in rows ({@code limit}; one more row only reveals truncation)
 * and in bytes: the approximate JSON size of every value is counted as it is read, and once the total passes
 * {@code maxBytes} reading stops and the answer is the failure {@code result_too_large} (a partial result would
 * look complete to a client that ignores flags).
 */
final class ResultReader {
    private ResultReader() {
    }

    static Object read(ResultSet rs, int limit, long maxBytes) throws SQLException {
        ResultSetMetaData meta = rs.getMetaData();
        int count = meta.getColumnCount();
        List<Map<String, Object>> columns = new ArrayList<>();
        String[] types = new String[count + 1];
        long bytes = 32;
        for (int c = 1; c <= count; c++) {
            Map<String, Object> column = new LinkedHashMap<>();
            types[c] = Objects.requireNonNullElse(meta.getColumnTypeName(c), "");
            column.put("name", meta.getColumnLabel(c));
            column.put("type", types[c]);
            columns.add(column);
            bytes += 24 + size(column.get("name")) + size(types[c]);
        }
        List<List<@Nullable Object>> rows = new ArrayList<>();
        boolean truncated = false;
        while (rs.next()) {
            if (rows.size() == limit) {
                truncated = true;
                break;
            }
            List<@Nullable Object> row = new ArrayList<>(count);
            bytes += 2;
            for (int c = 1; c <= count; c++) {
                Object value = JdbcValues.read(rs, c, types[c]);
                bytes += size(value) + 1;
                if (bytes > maxBytes) {
                    return AgentResponse.failure("result_too_large", "The result exceeds " + maxBytes
                            + " bytes (database.max_result_bytes) after " + rows.size()
                            + " rows: select fewer columns or rows");
                }
                row.add(value);
            }
            rows.add(row);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("columns", columns);
        result.put("rows", rows);
        result.put("row_count", rows.size());
        result.put("truncated", truncated);
        return result;
    }

    /** The approximate size of a value in JSON, in bytes. */
    static long size(@Nullable Object value) {
        if (value == null) {
            return 4;
        }
        if (value instanceof String s) {
            return utf8Length(s) + 2;
        }
        if (value instanceof BigDecimal decimal) {
            return decimal.precision() + Math.abs((long) decimal.scale()) + 2;
        }
        if (value instanceof BigInteger big) {
            return big.bitLength() / 3L + 2;
        }
        if (value instanceof Number || value instanceof Boolean) {
            return 24;
        }
        if (value instanceof List<?> list) {
            long total = 2;
            for (Object item : list) {
                total += size(item) + 1;
            }
            return total;
        }
        return utf8Length(value.toString()) + 2;
    }

    private static long utf8Length(String s) {
        long length = s.length();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                length += c >= 0x800 && !Character.isSurrogate(c) ? 2 : 1;
            }
        }
        return length;
    }
}
