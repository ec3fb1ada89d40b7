package io.twisterlab.bench;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The memory store's GCRA step on one cell, copied out of the store (where it is private) so that benchmarks can
 * time it apart from the lookups around it: one clock read by the caller, one CAS on the allowed path, the
 * remaining-permits division.
 *
 * <pre>{@code
 * long remaining = GcraStep.take(cell, System.nanoTime(), interval, tolerance, false);
 * }</pre>
 */
final class GcraStep {

    private GcraStep() {
    }

    /**
     * @param cell      the cell holding the theoretical arrival time
     * @param now       the time of the decision
     * @param interval  the emission interval
     * @param tolerance the burst tolerance
     * @param backOff   whether to call {@link Thread#onSpinWait()} after a failed CAS
     * @return the remaining permits when allowed, {@code -1 - tat} when denied
     */
    static long take(AtomicLong cell, long now, long interval, long tolerance, boolean backOff) {
        for (;;) {
            long stored = cell.get();
            long tat = Math.max(stored, now);
            long newTat = tat + interval;
            if (newTat - tolerance > now) {
                return -1L - tat;
            }
            if (cell.compareAndSet(stored, newTat)) {
                return (now + tolerance - newTat) / interval;
            }
            if (backOff) {
                Thread.onSpinWait();
            }
        }
    }
}
