package io.twisterlab.server.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The server's one JSON mapper: bounded nesting depth and string/number lengths so hostile input cannot exhaust
 * the stack or memory, duplicate keys rejected, trailing garbage rejected, and numbers bounded in magnitude (a
 * literal such as {@code 1e40000000} is short and cheap to parse, but every later use of it as a {@link BigDecimal}
 * can cost minutes of CPU).
 */
public final class Json {
    /** Maximum nesting depth of request bodies. */
    public static final int MAX_DEPTH = 64;
    /** Most significant digits of a JSON number written with a fraction or an exponent. */
    public static final int MAX_NUMBER_PRECISION = 100;
    /** Largest absolute scale (digits after, or negative: zeros before, the decimal point) of a JSON number. */
    public static final int MAX_NUMBER_SCALE = 1000;
    /** Largest integer magnitude, in bits (about 120 decimal digits). */
    public static final int MAX_INTEGER_BITS = 400;

    private final ObjectMapper mapper;

    public Json(long maxStringLength) {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(readConstraints(maxStringLength))
                .streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(512).build())
                .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        mapper = new ObjectMapper(factory)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
        mapper.getFactory().disable(JsonParser.Feature.AUTO_CLOSE_SOURCE);
    }

    /**
     * The read limits of every JSON entrance: depth {@value #MAX_DEPTH}, strings up to {@code maxStringLength}
     * characters (at least 1024), numbers up to 256 characters, names up to 1024.
     */
    public static StreamReadConstraints readConstraints(long maxStringLength) {
        return StreamReadConstraints.builder()
                .maxNestingDepth(MAX_DEPTH)
                .maxStringLength((int) Math.min(Integer.MAX_VALUE, Math.max(1024, maxStringLength)))
                .maxNumberLength(256)
                .maxNameLength(1024)
                .build();
    }

    /**
     * Whether every number in {@code tree} is within the bounds ({@value #MAX_NUMBER_PRECISION} significant
     * digits, scale within ±{@value #MAX_NUMBER_SCALE}, integers up to {@value #MAX_INTEGER_BITS} bits, finite
     * doubles). Iterative and linear in the size of the tree.
     */
    public static boolean numbersWithinBounds(JsonNode tree) {
        Deque<JsonNode> pending = new ArrayDeque<>();
        pending.push(tree);
        while (!pending.isEmpty()) {
            JsonNode node = pending.pop();
            if (node.isContainerNode()) {
                node.forEach(pending::push);
            } else if (node.isNumber() && !withinBounds(node)) {
                return false;
            }
        }
        return true;
    }

    private static boolean withinBounds(JsonNode number) {
        if (number.isBigDecimal()) {
            BigDecimal d = number.decimalValue();
            return d.precision() <= MAX_NUMBER_PRECISION && Math.abs((long) d.scale()) <= MAX_NUMBER_SCALE;
        }
        if (number.isBigInteger()) {
            return number.bigIntegerValue().bitLength() <= MAX_INTEGER_BITS;
        }
        return !number.isFloatingPointNumber() || Double.isFinite(number.doubleValue());
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    /** Serialises a JSON-like value (maps, lists, strings, numbers, booleans, null). */
    public byte[] write(Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise response: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Parses a request body that must be a JSON object.
     *
     * @throws BadJsonException with a safe message for invalid JSON, a value that is not an object, or input
     *                          beyond the nesting/length limits
     */
    public Map<String, Object> readObject(byte[] body) {
        JsonNode node;
        try {
            node = mapper.readTree(body);
        } catch (StreamConstraintsException e) {
            throw new BadJsonException("request body exceeds JSON limits (nesting depth " + MAX_DEPTH
                    + ", string and number lengths)");
        } catch (NumberFormatException e) {
            throw outOfRange(); // an exponent beyond what BigDecimal can represent
        } catch (JsonProcessingException e) {
            throw new BadJsonException("request body is not valid JSON: " + safeMessage(e));
        } catch (IOException e) {
            throw new BadJsonException("request body could not be read");
        }
        if (node == null || node.isMissingNode()) {
            return new LinkedHashMap<>();
        }
        if (!node.isObject()) {
            throw new BadJsonException("request body must be a JSON object, got " + node.getNodeType()
                    .name().toLowerCase(java.util.Locale.ROOT));
        }
        if (!numbersWithinBounds(node)) {
            throw outOfRange();
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = mapper.convertValue(node, LinkedHashMap.class);
        return map;
    }

    private static BadJsonException outOfRange() {
        return new BadJsonException("number out of range: at most " + MAX_NUMBER_PRECISION
                + " significant digits and an exponent within ±" + MAX_NUMBER_SCALE);
    }

    private static String safeMessage(JsonProcessingException e) {
        String m = e.getOriginalMessage();
        if (m == null) {
            return "syntax error";
        }
        m = m.replaceAll("[\\r\\n]+", " ");
        // Jackson names the input source and its own feature flags in "(start marker at [Source: ...])": noise.
        int sourceDescription = m.indexOf(" (start marker at");
        if (sourceDescription >= 0) {
            m = m.substring(0, sourceDescription);
        }
        m = m.replaceAll("\\s*\\[Source:[^\\]]*\\]", "");
        int loc = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
        String where = loc > 0 ? " (line " + loc + ", column " + e.getLocation().getColumnNr() + ")" : "";
        return (m.length() > 200 ? m.substring(0, 200) + "..." : m) + where;
    }

    /** A request body that is not an acceptable JSON object; maps to 400. */
    public static final class BadJsonException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public BadJsonException(String message) {
            super(message);
        }
    }
}
