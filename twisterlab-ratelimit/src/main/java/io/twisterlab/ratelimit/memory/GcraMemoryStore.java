package io.twisterlab.ratelimit.memory;

import io.twisterlab.ratelimit.CoarseTicker;
import io.twisterlab.ratelimit.Decision;
import io.twisterlab.ratelimit.Limit;
import io.twisterlab.ratelimit.Ticker;
import io.twisterlab.ratelimit.internal.Requests;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * GCRA over one {@link AtomicLong} per (limit, subject). Times are nanoseconds since the store was created, so
 * they are never negative; a cell holds the theoretical arrival time (TAT), and a TAT at or before now means a
 * full bucket. {@link #DEAD} marks a cell being evicted: a thread that finds it looks the subject up again.
 */
final class GcraMemoryStore implements MemoryStore {

    private static final long DEAD = Long.MIN_VALUE;

    private final String name;
    private final int maxKeys;
    private final Ticker ticker;
    private final long origin;
    private final ConcurrentHashMap<Limit, Table> tables = new ConcurrentHashMap<>();
    /**
     * The table last looked up by a single-limit decision: callers pass the same {@code Limit} instance over and
     * over (limits are configuration), so {@code last.limit == limit} skips {@code Limit.hashCode()} and the map
     * probe. {@link Table} has only final fields, so it is safely published; volatile orders the write against
     * {@link #close()} (see {@link #table(Limit)}). Equal but distinct instances simply miss and use the map.
     */
    private volatile @Nullable Table last;
    private final AtomicInteger size = new AtomicInteger();
    private final Object evictionLock = new Object();
    /** Cells taken by the current thread in a multi-limit decision, for the give-back. */
    private final ThreadLocal<AtomicLong[]> scratch = ThreadLocal.withInitial(() -> new AtomicLong[4]);

    GcraMemoryStore(String name, int maxKeys, Ticker ticker) {
        this.name = name;
        this.maxKeys = maxKeys;
        this.ticker = ticker;
        this.origin = ticker.read();
    }

    /** The state of one limit: its integer GCRA parameters and one cell per subject. */
    private static final class Table {
        /** The instance this table was created for: the identity the {@link #last} cache compares against. */
        final Limit limit;
        final long interval;
        final long tolerance;
        final long burst;
        final ConcurrentHashMap<String, AtomicLong> cells = new ConcurrentHashMap<>();

        Table(Limit limit) {
            this.limit = limit;
            this.interval = limit.emissionIntervalNanos();
            this.burst = limit.burst();
            this.tolerance = interval * burst;
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int trackedKeys() {
        return size.get();
    }

    @Override
    public int maxKeys() {
        return maxKeys;
    }

    @Override
    public long tryAcquire(String subject, long cost, Limit limit) {
        Table t = checkedTable(subject, cost, limit);
        long now = now();
        long x = take(t, subject, cost, now, null, 0);
        return x >= 0 ? remaining(t, x, now) : -1L - retryAfter(t, cost, -1L - x, now);
    }

    @Override
    public Decision decide(String subject, long cost, Limit limit) {
        Table t = checkedTable(subject, cost, limit);
        long now = now();
        long x = take(t, subject, cost, now, null, 0);
        if (x >= 0) {
            return Decision.allow(limit, remaining(t, x, now), x - now);
        }
        long tat = -1L - x;
        return Decision.deny(limit, remaining(t, tat, now), retryAfter(t, cost, tat, now), tat - now);
    }

    @Override
    public Decision decide(String subject, long cost, List<Limit> limits) {
        Requests.check(subject, cost, limits);
        int n = limits.size();
        if (n == 1) {
            return decide(subject, cost, limits.get(0));
        }
        long now = now();
        AtomicLong[] taken = scratch.get();
        if (taken.length < n) {
            taken = new AtomicLong[n];
            scratch.set(taken);
        }
        try {
            int best = -1;
            long bestRemaining = Long.MAX_VALUE;
            long bestReset = 0;
            for (int i = 0; i < n; i++) {
                Table t = table(limits.get(i));
                long x = take(t, subject, cost, now, taken, i);
                if (x < 0) {
                    giveBack(limits, cost, taken, i);
                    return mostRestrictiveDenial(subject, cost, limits, i, -1L - x, now);
                }
                long remaining = remaining(t, x, now);
                if (remaining < bestRemaining) {
                    best = i;
                    bestRemaining = remaining;
                    bestReset = x - now;
                }
            }
            return Decision.allow(limits.get(best), bestRemaining, bestReset);
        } finally {
            Arrays.fill(taken, 0, n, null);
        }
    }

    @Override
    public void close() {
        tables.clear();
        last = null;
        size.set(0);
    }

    @Override
    public String toString() {
        return "MemoryStore[" + name + ", " + size.get() + "/" + maxKeys + " keys]";
    }

    /** @return the whole permits left at {@code now} in a bucket whose TAT is {@code tat} */
    private static long remaining(Table t, long tat, long now) {
        return (now + t.tolerance - tat) / t.interval;
    }

    private long now() {
        return Math.max(0L, ticker.read() - origin);
    }

    /** Validates a single-limit request and returns its table, through {@link #cachedTable(Limit)}. */
    private Table checkedTable(String subject, long cost, Limit limit) {
        Requests.check(subject, cost, limit);
        return cachedTable(limit);
    }

    /**
     * {@link #table(Limit)} through the single-entry identity cache {@link #last}; allocation-free. Only the
     * single-limit paths update the cache (a multi-limit decision would make it flip on every call).
     */
    @SuppressWarnings("ReferenceEquality") // an identity cache: an equal Limit of another instance takes the map
    private Table cachedTable(Limit limit) {
        Table t = last;
        if (t != null && t.limit == limit) {
            return t;
        }
        t = table(limit);
        if (t.limit == limit && last != t) {
            last = t;
            // close() clears the map, then the cache: if it cleared the map after our lookup, undo our write so
            // that the cache never keeps a table the map no longer holds (two tables for one limit)
            if (tables.get(limit) != t) {
                last = null;
            }
        }
        return t;
    }

    private Table table(Limit limit) {
        Table t = tables.get(limit);
        return t != null ? t : tables.computeIfAbsent(limit, this::newTable);
    }

    private Table newTable(Limit limit) {
        if (ticker instanceof CoarseTicker coarse) {
            coarse.check(limit);
        }
        return new Table(limit);
    }

    private static long retryAfter(Table t, long cost, long tat, long now) {
        return cost > t.burst ? Decision.NEVER : tat + cost * t.interval - t.tolerance - now;
    }

    /**
     * One GCRA step on one cell.
     *
     * @return the new TAT ({@code >= 0}) when allowed, {@code -1 - tat} when denied
     */
    private long take(Table t, String subject, long cost, long now, AtomicLong @Nullable [] taken, int slot) {
        if (cost > t.burst) {
            return -1L - current(t, subject, now);
        }
        long need = cost * t.interval;
        for (;;) {
            AtomicLong cell = t.cells.get(subject);
            if (cell == null) {
                if (cost == 0) {
                    return now;
                }
                cell = insert(t, subject, now);
            }
            for (;;) {
                long stored = cell.get();
                if (stored == DEAD) {
                    if (t.cells.remove(subject, cell)) {
                        size.decrementAndGet();
                    }
                    break;
                }
                long tat = Math.max(stored, now);
                long newTat = tat + need;
                if (newTat - t.tolerance > now) {
                    return -1L - tat;
                }
                if (cost == 0 || cell.compareAndSet(stored, newTat)) {
                    if (taken != null) {
                        taken[slot] = cell;
                    }
                    return newTat;
                }
            }
        }
    }

    private long current(Table t, String subject, long now) {
        AtomicLong cell = t.cells.get(subject);
        long stored = cell == null ? DEAD : cell.get();
        return stored == DEAD ? now : Math.max(stored, now);
    }

    /** Returns the permits taken from the cells of limits {@code 0..end-1}. */
    private static void giveBack(List<Limit> limits, long cost, AtomicLong[] taken, int end) {
        for (int i = 0; i < end; i++) {
            AtomicLong cell = taken[i];
            if (cell == null) {
                continue;
            }
            long need = cost * limits.get(i).emissionIntervalNanos();
            for (;;) {
                long v = cell.get();
                if (v == DEAD || cell.compareAndSet(v, v - need)) {
                    break;
                }
            }
        }
    }

    /** Limit {@code first} denied with {@code firstTat}; the later limits are only peeked at. */
    private Decision mostRestrictiveDenial(String subject, long cost, List<Limit> limits, int first, long firstTat,
                                           long now) {
        int best = first;
        Table bt = table(limits.get(first));
        long bestTat = firstTat;
        long bestRetry = retryAfter(bt, cost, firstTat, now);
        for (int j = first + 1; j < limits.size(); j++) {
            Table t = table(limits.get(j));
            long tat = current(t, subject, now);
            long retry = retryAfter(t, cost, tat, now);
            if (retry > 0 && retry > bestRetry) {
                best = j;
                bt = t;
                bestTat = tat;
                bestRetry = retry;
            }
        }
        return Decision.deny(limits.get(best), remaining(bt, bestTat, now), bestRetry, bestTat - now);
    }

    private AtomicLong insert(Table t, String subject, long now) {
        for (;;) {
            int s = size.get();
            if (s >= maxKeys) {
                makeRoom(now);
            } else if (size.compareAndSet(s, s + 1)) {
                break;
            }
        }
        AtomicLong fresh = new AtomicLong(now);
        AtomicLong previous = t.cells.putIfAbsent(subject, fresh);
        if (previous != null) {
            size.decrementAndGet();
            return previous;
        }
        return fresh;
    }

    /** Called when the cap is reached: evicts full keys, then if needed the keys closest to full. */
    private void makeRoom(long now) {
        synchronized (evictionLock) {
            if (size.get() < maxKeys) {
                return;
            }
            int target = Math.max(1, maxKeys / 10);
            int freed = evictUpTo(now);
            if (freed >= target) {
                return;
            }
            long[] tats = new long[size.get() + 64];
            int m = 0;
            for (Table t : tables.values()) {
                for (AtomicLong cell : t.cells.values()) {
                    long v = cell.get();
                    if (v != DEAD && m < tats.length) {
                        tats[m++] = v;
                    }
                }
            }
            Arrays.sort(tats, 0, m);
            int k = Math.min(m, target - freed) - 1;
            if (k >= 0) {
                evictUpTo(tats[k]);
            }
        }
    }

    private int evictUpTo(long threshold) {
        int freed = 0;
        for (Table t : tables.values()) {
            for (Iterator<Map.Entry<String, AtomicLong>> it = t.cells.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<String, AtomicLong> e = it.next();
                AtomicLong cell = e.getValue();
                long v = cell.get();
                if ((v == DEAD || (v <= threshold && cell.compareAndSet(v, DEAD))) && t.cells.remove(e.getKey(), cell)) {
                    size.decrementAndGet();
                    freed++;
                }
            }
        }
        return freed;
    }
}
