package io.twisterlab.server.http;

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
import io.twisterlab.core.JsonLimits;
import io.twisterlab.core.Violation;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The server's one JSON mapper: bounded nesting depth and string/number lengths so hostile input cannot exhaust
 * the stack or memory, duplicate keys rejected, trailing garbage rejected, and numbers bounded in magnitude (a
 * literal such as {@code 1e40000000} is short and cheap to parse, but every later use of it as a {@link BigDecimal}
 * can cost minutes of CPU).
 */
public final class Json {
    /** Maximum nesting depth of request bodies: core's bound on every argument value. */
    public static final int MAX_DEPTH = JsonLimits.MAX_DEPTH;

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
     * A message, naming the place as a path under {@code name} (e.g. {@code body.params[0]}), for the first number in
     * {@code value} beyond core's bounds ({@link JsonLimits}: at most
     * {@value JsonLimits#MAX_DIGITS} significant digits, a decimal exponent within ±{@value JsonLimits#MAX_EXPONENT},
     * integers up to {@value JsonLimits#MAX_INTEGER_BITS} bits), or empty. Iterative and linear in the size of the
     * value; it does no arithmetic on the numbers.
     */
    public static Optional<String> numberOutOfRange(String name, Object value) {
        return JsonLimits.check(name, value).filter(v -> v.code().equals(Violation.NUMBER))
                .map(v -> "number out of range at " + v.field() + ": " + v.message());
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
            // an exponent beyond what BigDecimal can represent
            throw new BadJsonException("number out of range: its exponent cannot be represented");
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
        @SuppressWarnings("unchecked")
        Map<String, Object> map = mapper.convertValue(node, LinkedHashMap.class);
        numberOutOfRange("body", map).ifPresent(message -> {
            throw new BadJsonException(message);
        });
        return map;
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

        /** Never null: the constructor takes a message. */
        @Override
        public String getMessage() {
            return java.util.Objects.requireNonNull(super.getMessage());
        }
    }
}
