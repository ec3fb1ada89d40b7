package io.twisterlab.ratelimit.resilience4j;

import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import io.twisterlab.ratelimit.Decision;
import io.twisterlab.ratelimit.Limit;
import io.twisterlab.ratelimit.internal.Requests;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** {@link Resilience4jStore} over {@link AtomicRateLimiter}s. */
final class FixedCycleStore implements Resilience4jStore {

    private final String name;
    private final LruMap subjects;

    FixedCycleStore(String name, int maxSubjects) {
        this.name = name;
        this.subjects = new LruMap(maxSubjects);
    }

    /** Subjects in access order; the eldest is dropped beyond the cap. Guarded by itself. */
    private static final class LruMap extends LinkedHashMap<String, Map<Limit, AtomicRateLimiter>> {
        private static final long serialVersionUID = 1L;
        private final int max;

        LruMap(int max) {
            super(16, 0.75f, true);
            this.max = max;
        }

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Map<Limit, AtomicRateLimiter>> eldest) {
            return size() > max;
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int trackedSubjects() {
        synchronized (subjects) {
            return subjects.size();
        }
    }

    @Override
    public Decision decide(String subject, long cost, List<Limit> limits) {
        Requests.check(subject, cost, limits);
        for (Limit l : limits) {
            if (l.burst() != l.permits() || l.permits() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("the resilience4j store needs burst == permits <= "
                        + Integer.MAX_VALUE + ", got " + l);
            }
        }
        Map<Limit, AtomicRateLimiter> limiters;
        synchronized (subjects) {
            limiters = subjects.computeIfAbsent(subject, s -> new HashMap<>());
        }
        // The per-subject lock makes check-then-acquire atomic: between the two, time can only add permits.
        synchronized (limiters) {
            @Nullable Decision worst = null;
            int n = limits.size();
            long[] available = new long[n];
            AtomicRateLimiter[] rls = new AtomicRateLimiter[n];
            for (int i = 0; i < n; i++) {
                Limit limit = limits.get(i);
                rls[i] = limiters.computeIfAbsent(limit, FixedCycleStore::newLimiter);
                available[i] = rls[i].getMetrics().getAvailablePermissions();
                if (cost > limit.permits() || available[i] < cost) {
                    long retry = cost > limit.permits() ? Decision.NEVER : wait(rls[i], limit);
                    Decision d = Decision.deny(limit, Math.max(0, available[i]), retry,
                            available[i] >= limit.permits() ? 0 : wait(rls[i], limit));
                    if (worst == null || d.retryAfterNanos() > worst.retryAfterNanos()) {
                        worst = d;
                    }
                }
            }
            if (worst != null) {
                return worst;
            }
            @Nullable Decision best = null;
            for (int i = 0; i < n; i++) {
                Limit limit = limits.get(i);
                if (cost > 0 && !rls[i].acquirePermission((int) cost)) {
                    throw new IllegalStateException("resilience4j refused permits it reported available");
                }
                long remaining = available[i] - cost;
                Decision d = Decision.allow(limit, remaining, remaining >= limit.permits() ? 0 : wait(rls[i], limit));
                if (best == null || d.remaining() < best.remaining()) {
                    best = d;
                }
            }
            if (best == null) {
                throw new IllegalArgumentException("no limits");
            }
            return best;
        }
    }

    @Override
    public void close() {
        synchronized (subjects) {
            subjects.clear();
        }
    }

    private static AtomicRateLimiter newLimiter(Limit limit) {
        return new AtomicRateLimiter(limit.id(), RateLimiterConfig.custom()
                .limitForPeriod((int) limit.permits())
                .limitRefreshPeriod(limit.period())
                .timeoutDuration(Duration.ZERO)
                .build());
    }

    /** resilience4j's wait estimate for one permit, or the whole period when a permit is still available. */
    private static long wait(AtomicRateLimiter rl, Limit limit) {
        long nanos = rl.getDetailedMetrics().getNanosToWait();
        return nanos > 0 ? nanos : limit.period().toNanos();
    }
}
