package io.twisterlab.ratelimit.internal;

import io.twisterlab.ratelimit.Limit;
import java.util.List;
import java.util.Objects;

/**
 * Validation shared by the facade and the stores. Internal: not part of the API.
 *
 * <pre>{@code
 * Requests.check(subject, cost, limits);   // throws IllegalArgumentException for an invalid request
 * }</pre>
 */
public final class Requests {

    private Requests() {
    }

    /**
     * @param subject non-empty
     * @param cost    non-negative
     * @param limit   non-null
     */
    public static void check(String subject, long cost, Limit limit) {
        checkSubject(subject, cost);
        Objects.requireNonNull(limit, "limit");
    }

    /**
     * @param subject non-empty
     * @param cost    non-negative
     * @param limits  non-empty, no null, distinct ids
     */
    public static void check(String subject, long cost, List<Limit> limits) {
        checkSubject(subject, cost);
        Objects.requireNonNull(limits, "limits");
        int n = limits.size();
        if (n == 0) {
            throw new IllegalArgumentException("at least one limit is required");
        }
        for (int i = 0; i < n; i++) {
            Limit a = Objects.requireNonNull(limits.get(i), "limit");
            for (int j = 0; j < i; j++) {
                if (limits.get(j).id().equals(a.id())) {
                    throw new IllegalArgumentException("limit id '" + a.id() + "' appears twice in one request");
                }
            }
        }
    }

    private static void checkSubject(String subject, long cost) {
        Objects.requireNonNull(subject, "subject");
        if (subject.isEmpty()) {
            throw new IllegalArgumentException("subject must not be empty");
        }
        if (cost < 0) {
            throw new IllegalArgumentException("cost must not be negative, got " + cost);
        }
    }
}
