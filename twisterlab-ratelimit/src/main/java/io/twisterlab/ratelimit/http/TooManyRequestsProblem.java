package io.twisterlab.ratelimit.http;

import io.twisterlab.ratelimit.Decision;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The body of a 429 response, RFC 9457 {@code application/problem+json}:
 * <pre>{@code
 * {"type":"about:blank","title":"Too Many Requests","status":429,"detail":"Too many requests",
 *  "violated-policies":["10-per-1s"],"retry_after":1}
 * }</pre>
 * {@code detail} keeps the original service's {@code {"detail": ...}} clients working; {@code retry_after} is the
 * {@code Retry-After} value in seconds and is absent when the request can never conform (its cost exceeds the
 * burst). This module has no JSON library: use {@link #body(Decision)} with yours, or {@link #json(Decision)}.
 *
 * <pre>{@code
 * ctx.status(429).contentType(TooManyRequestsProblem.CONTENT_TYPE).result(TooManyRequestsProblem.json(decision));
 * }</pre>
 */
public final class TooManyRequestsProblem {

    /** The media type of the body. */
    public static final String CONTENT_TYPE = "application/problem+json";
    /** The {@code detail} text. */
    public static final String DETAIL = "Too many requests";

    private TooManyRequestsProblem() {
    }

    /**
     * @param d a denied decision
     * @return the members in order, unmodifiable: strings, an integer status, a list of policy ids, a long
     */
    public static Map<String, Object> body(Decision d) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", "Too Many Requests");
        body.put("status", 429);
        body.put("detail", DETAIL);
        body.put("violated-policies", List.of(d.limitId()));
        if (d.satisfiable()) {
            body.put("retry_after", RateLimitHeaders.ceilSeconds(d.retryAfterNanos()));
        }
        return Collections.unmodifiableMap(body);
    }

    /**
     * @param d a denied decision
     * @return {@link #body(Decision)} as compact JSON
     */
    public static String json(Decision d) {
        StringBuilder sb = new StringBuilder(160).append('{');
        boolean first = true;
        for (Map.Entry<String, Object> e : body(d).entrySet()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            string(sb, e.getKey()).append(':');
            Object v = e.getValue();
            if (v instanceof List<?> list) {
                sb.append('[');
                for (int i = 0; i < list.size(); i++) {
                    if (i > 0) {
                        sb.append(',');
                    }
                    string(sb, String.valueOf(list.get(i)));
                }
                sb.append(']');
            } else if (v instanceof Number) {
                sb.append(v);
            } else {
                string(sb, String.valueOf(v));
            }
        }
        return sb.append('}').toString();
    }

    private static StringBuilder string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"');
    }
}
