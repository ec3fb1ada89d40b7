package io.twisterlab.ratelimit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An independent, obviously-correct model of the store contract: a token bucket in integer microseconds that
 * counts "tokens × emission interval" (so refill is exact integer addition), with all-or-nothing multi-limit
 * semantics. Store decisions must equal the model's for the same arrival schedule.
 *
 * <pre>{@code
 * ReferenceModel model = new ReferenceModel();
 * Decision expected = model.decide("alice", 1, List.of(limit), nowMicros);
 * }</pre>
 */
public final class ReferenceModel {

    /** Capacity of one bucket, in tokens × interval, at the time of its last update. */
    private static final class Bucket {
        long level;
        long lastMicros;
    }

    private final Map<String, Bucket> buckets = new HashMap<>();

    /**
     * @param subject    the subject
     * @param cost       the cost
     * @param limits     the limits
     * @param nowMicros  the current time in microseconds, never decreasing
     * @return the decision the contract requires
     */
    public Decision decide(String subject, long cost, List<Limit> limits, long nowMicros) {
        List<Decision> allowed = new ArrayList<>();
        Decision worstDenial = null;
        List<Bucket> toCommit = new ArrayList<>();
        for (Limit limit : limits) {
            long interval = limit.emissionIntervalMicros();
            long capacity = limit.burst() * interval;
            Bucket b = buckets.computeIfAbsent(limit.id() + "\u0000" + subject, k -> {
                Bucket fresh = new Bucket();
                fresh.level = capacity;
                fresh.lastMicros = nowMicros;
                return fresh;
            });
            long level = Math.min(capacity, b.level + (nowMicros - b.lastMicros));
            b.level = level;
            b.lastMicros = nowMicros;
            long need = cost * interval;
            if (cost > limit.burst()) {
                Decision d = Decision.deny(limit, level / interval, Decision.NEVER, (capacity - level) * 1000);
                worstDenial = worse(worstDenial, d);
            } else if (level >= need) {
                allowed.add(Decision.allow(limit, (level - need) / interval, (capacity - level + need) * 1000));
                toCommit.add(b);
            } else {
                Decision d = Decision.deny(limit, level / interval, (need - level) * 1000, (capacity - level) * 1000);
                worstDenial = worse(worstDenial, d);
            }
        }
        if (worstDenial != null) {
            return worstDenial;
        }
        Decision best = null;
        for (int i = 0; i < limits.size(); i++) {
            Limit limit = limits.get(i);
            toCommit.get(i).level -= cost * limit.emissionIntervalMicros();
            Decision d = allowed.get(i);
            if (best == null || d.remaining() < best.remaining()) {
                best = d;
            }
        }
        return best;
    }

    private static Decision worse(Decision current, Decision candidate) {
        return current == null || candidate.retryAfterNanos() > current.retryAfterNanos() ? candidate : current;
    }
}
