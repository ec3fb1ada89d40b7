package io.twisterlab.bench;

import java.util.SplittableRandom;

/**
 * Precomputed subjects and a precomputed sequence of subjects to decide for, so that benchmarks measure the rate
 * limiter and not a random number generator.
 *
 * <pre>{@code
 * KeySequence keys = KeySequence.of(1_000_000, KeySequence.Distribution.ZIPF, 1 << 20, 42);
 * String s = keys.at(i);   // i is masked, so any int works
 * }</pre>
 */
public final class KeySequence {

    /** How subjects are drawn. */
    public enum Distribution {
        /** Every subject equally likely. */
        UNIFORM,
        /** Zipf with exponent 1: subject of rank k drawn with probability proportional to 1/k (hot keys). */
        ZIPF
    }

    private final String[] subjects;
    private final String[] sequence;
    private final int mask;

    private KeySequence(String[] subjects, String[] sequence) {
        this.subjects = subjects;
        this.sequence = sequence;
        this.mask = sequence.length - 1;
    }

    /**
     * @param count        distinct subjects
     * @param distribution how they are drawn
     * @param length       sequence length, a power of two
     * @param seed         random seed (fixed: every run and every peer sees the same sequence)
     * @return the sequence
     */
    public static KeySequence of(int count, Distribution distribution, int length, long seed) {
        if (Integer.bitCount(length) != 1) {
            throw new IllegalArgumentException("length must be a power of two: " + length);
        }
        String[] subjects = new String[count];
        for (int i = 0; i < count; i++) {
            subjects[i] = "10." + (i >>> 16) + '.' + ((i >>> 8) & 0xFF) + '.' + (i & 0xFF);
        }
        SplittableRandom random = new SplittableRandom(seed);
        String[] sequence = new String[length];
        if (distribution == Distribution.UNIFORM) {
            for (int i = 0; i < length; i++) {
                sequence[i] = subjects[random.nextInt(count)];
            }
        } else {
            double[] cdf = new double[count];
            double sum = 0;
            for (int k = 0; k < count; k++) {
                sum += 1.0 / (k + 1);
                cdf[k] = sum;
            }
            for (int i = 0; i < length; i++) {
                double u = random.nextDouble() * sum;
                int lo = 0;
                int hi = count - 1;
                while (lo < hi) {
                    int mid = (lo + hi) >>> 1;
                    if (cdf[mid] < u) {
                        lo = mid + 1;
                    } else {
                        hi = mid;
                    }
                }
                sequence[i] = subjects[lo];
            }
        }
        return new KeySequence(subjects, sequence);
    }

    /**
     * A uniform sequence over existing subjects (shared, not copied: many callers can share one subject array).
     *
     * @param subjects the subjects
     * @param length   sequence length, a power of two
     * @param seed     random seed
     * @return the sequence
     */
    public static KeySequence uniform(String[] subjects, int length, long seed) {
        if (Integer.bitCount(length) != 1) {
            throw new IllegalArgumentException("length must be a power of two: " + length);
        }
        SplittableRandom random = new SplittableRandom(seed);
        String[] sequence = new String[length];
        for (int i = 0; i < length; i++) {
            sequence[i] = subjects[random.nextInt(subjects.length)];
        }
        return new KeySequence(subjects, sequence);
    }

    /** @return every distinct subject */
    public String[] subjects() {
        return subjects;
    }

    /**
     * @param i any index (masked to the sequence length)
     * @return the subject at that position
     */
    public String at(int i) {
        return sequence[i & mask];
    }

    /** @return the sequence length */
    public int length() {
        return sequence.length;
    }
}
