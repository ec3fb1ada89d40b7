package io.twisterlab.ratelimit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One rate limit: {@code permits} per {@code period}, with a {@code burst} capacity (by default equal to
 * {@code permits}).
 *
 * <p>Limits are enforced with GCRA (equivalent to a token bucket of capacity {@code burst} refilled at
 * {@code permits/period}). The emission interval (time to earn one permit) is {@code period / permits}
 * rounded <em>down</em> to a whole microsecond, so every store — nanoseconds in memory, microseconds in
 * Redis — uses exactly the same integer arithmetic. A limit is therefore at most 1 µs per permit more
 * generous than the exact ratio (for 3 per second: 333,333 µs instead of 333,333.33 µs).
 *
 * <p>Validation: the id is 1 to 64 characters of {@code [A-Za-z0-9._~-]} (it is used in store keys and in
 * HTTP structured fields); permits and burst are positive; the period is a positive whole number of
 * microseconds; the rate is at most one permit per microsecond; the time to refill a full burst
 * ({@code interval × burst}) is at most 2<sup>48</sup> µs (about 8.9 years), which keeps every computation
 * exact in a 64-bit long and in a Lua double.
 *
 * <p>A limit id identifies one configuration: stores key their state by id, so two different limits must
 * not share an id.
 *
 * <pre>{@code
 * Limit perSecond = Limit.of(10, Duration.ofSeconds(1));                 // id "10-per-1s"
 * Limit api = Limit.builder("api").permits(100).per(Duration.ofMinutes(1)).burst(20).build();
 * List<Limit> defaults = Limit.parseAll("10/1s,1000/1h");                // as in TWISTERLAB_RATELIMIT_DEFAULT
 * }</pre>
 *
 * @param id      stable identifier, used in store keys and in {@code RateLimit-Policy}
 * @param permits permits earned per period
 * @param period  the period over which {@code permits} are earned
 * @param burst   the bucket capacity: the most permits that can be taken at once
 */
public record Limit(String id, long permits, Duration period, long burst) {

    /** The largest time to refill a full burst, in microseconds (2^48). */
    public static final long MAX_TOLERANCE_MICROS = 1L << 48;

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._~-]{1,64}");
    private static final Pattern SPEC = Pattern.compile("(\\d{1,18})/(\\d{1,18})(ms|us|s|m|h|d)");
    private static final Duration MAX_PERIOD = Duration.ofNanos(MAX_TOLERANCE_MICROS * 1000L);

    /** Validates every component; see the class documentation for the rules. */
    public Limit {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(period, "period");
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("limit id '" + id
                    + "' must be 1 to 64 characters of letters, digits, '.', '_', '~' or '-'");
        }
        if (permits <= 0) {
            throw new IllegalArgumentException("limit '" + id + "': permits must be positive, got " + permits);
        }
        if (burst <= 0) {
            throw new IllegalArgumentException("limit '" + id + "': burst must be positive, got " + burst);
        }
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("limit '" + id + "': period must be positive, got " + period);
        }
        if (period.compareTo(MAX_PERIOD) > 0) {
            throw new IllegalArgumentException("limit '" + id + "': period " + period + " is longer than "
                    + MAX_PERIOD);
        }
        long periodNanos = period.toNanos();
        if (periodNanos % 1000L != 0) {
            throw new IllegalArgumentException("limit '" + id + "': period must be a whole number of microseconds, got "
                    + period);
        }
        long interval = periodNanos / 1000L / permits;
        if (interval < 1) {
            throw new IllegalArgumentException("limit '" + id + "': rate " + permits + " per " + period
                    + " exceeds one permit per microsecond");
        }
        if (burst > MAX_TOLERANCE_MICROS / interval) {
            throw new IllegalArgumentException("limit '" + id + "': burst " + burst + " at one permit per "
                    + interval + " µs takes longer than 2^48 µs to refill");
        }
    }

    /**
     * A limit of {@code permits} per {@code period} with burst {@code permits} and a generated id such as
     * {@code 10-per-1s} or {@code 5-per-100ms}.
     *
     * @param permits permits per period
     * @param period  the period
     * @return the validated limit
     */
    public static Limit of(long permits, Duration period) {
        return new Limit(generatedId(permits, period), permits, period, permits);
    }

    /**
     * A limit with an explicit id and burst {@code permits}.
     *
     * @param id      the id
     * @param permits permits per period
     * @param period  the period
     * @return the validated limit
     */
    public static Limit of(String id, long permits, Duration period) {
        return new Limit(id, permits, period, permits);
    }

    /**
     * Starts a builder: {@code Limit.builder("api").permits(10).per(Duration.ofSeconds(1)).burst(20).build()}.
     *
     * @param id the id of the limit
     * @return a new builder
     */
    public static Builder builder(String id) {
        return new Builder(id);
    }

    /**
     * Parses one limit written {@code <permits>/<n><unit>}, unit one of {@code us, ms, s, m, h, d}: for
     * example {@code 10/1s}, {@code 5/100ms}, {@code 1000/1h}. The id is generated (see {@link #of(long, Duration)}).
     *
     * @param spec the text
     * @return the validated limit
     * @throws IllegalArgumentException naming the bad part
     */
    public static Limit parse(String spec) {
        Objects.requireNonNull(spec, "spec");
        String s = spec.strip();
        var m = SPEC.matcher(s);
        if (!m.matches()) {
            throw new IllegalArgumentException("invalid rate limit '" + spec
                    + "': expected <permits>/<n><unit> with unit us, ms, s, m, h or d, for example 10/1s");
        }
        long permits = Long.parseLong(m.group(1));
        long n = Long.parseLong(m.group(2));
        Duration period;
        try {
            period = switch (m.group(3)) {
                case "us" -> Duration.ofNanos(Math.multiplyExact(n, 1000L));
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("invalid rate limit '" + spec + "': period too long", e);
        }
        try {
            return of(permits, period);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid rate limit '" + spec + "': " + e.getMessage(), e);
        }
    }

    /**
     * Parses a comma-separated list such as {@code 10/1s,1000/1h} (blanks around entries are ignored).
     *
     * @param specs the text
     * @return an immutable, non-empty list of limits with distinct ids
     * @throws IllegalArgumentException naming the bad entry, an empty list or a duplicate
     */
    public static List<Limit> parseAll(String specs) {
        Objects.requireNonNull(specs, "specs");
        List<Limit> limits = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        int index = 0;
        for (String part : specs.split(",", -1)) {
            index++;
            if (part.isBlank()) {
                throw new IllegalArgumentException("invalid rate limit list '" + specs + "': entry " + index
                        + " is empty");
            }
            Limit limit;
            try {
                limit = parse(part);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("invalid rate limit list '" + specs + "', entry " + index + ": "
                        + e.getMessage(), e);
            }
            if (!ids.add(limit.id())) {
                throw new IllegalArgumentException("invalid rate limit list '" + specs + "': '" + part.strip()
                        + "' is listed twice");
            }
            limits.add(limit);
        }
        return List.copyOf(limits);
    }

    /**
     * The time to earn one permit, in whole microseconds ({@code period / permits} rounded down).
     *
     * @return the emission interval in microseconds, at least 1
     */
    public long emissionIntervalMicros() {
        return period.toNanos() / 1000L / permits;
    }

    /**
     * The emission interval in nanoseconds: {@link #emissionIntervalMicros()} × 1000.
     *
     * @return the emission interval in nanoseconds
     */
    public long emissionIntervalNanos() {
        return emissionIntervalMicros() * 1000L;
    }

    /**
     * This limit with its permits and burst multiplied by {@code share} (rounded down, at least 1), same id
     * and period: used for a local fallback that enforces a share of a global limit on each instance.
     *
     * @param share a factor in (0, 1]
     * @return the scaled limit
     */
    public Limit scaled(double share) {
        if (!(share > 0.0 && share <= 1.0)) {
            throw new IllegalArgumentException("share must be in (0, 1], got " + share);
        }
        long p = Math.max(1L, (long) Math.floor(permits * share));
        long b = Math.max(1L, (long) Math.floor(burst * share));
        return new Limit(id, p, period, b);
    }

    static String generatedId(long permits, Duration period) {
        return permits + "-per-" + format(period);
    }

    /**
     * Formats a duration with the largest unit that represents it exactly: {@code 1s}, {@code 100ms}, {@code 2h}.
     *
     * @param d a positive duration
     * @return the compact text
     */
    static String format(Duration d) {
        if (d.compareTo(MAX_PERIOD) > 0) {
            return d.getSeconds() + "s";
        }
        long nanos = d.toNanos();
        long[] factors = {86_400_000_000_000L, 3_600_000_000_000L, 60_000_000_000L, 1_000_000_000L, 1_000_000L, 1_000L};
        String[] units = {"d", "h", "m", "s", "ms", "us"};
        for (int i = 0; i < factors.length; i++) {
            if (nanos % factors[i] == 0) {
                return (nanos / factors[i]) + units[i];
            }
        }
        return nanos + "ns";
    }

    // Explicit, allocation-free equals and hashCode: limits are hash keys on the in-memory hot path.
    @Override
    public boolean equals(Object o) {
        return o instanceof Limit l && permits == l.permits && burst == l.burst && id.equals(l.id)
                && period.equals(l.period);
    }

    @Override
    public int hashCode() {
        return ((id.hashCode() * 31 + Long.hashCode(permits)) * 31 + period.hashCode()) * 31 + Long.hashCode(burst);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "Limit[%s: %d per %s, burst %d]", id, permits, format(period), burst);
    }

    /** A validating builder for {@link Limit}; {@link #build()} throws {@link IllegalArgumentException}. */
    public static final class Builder {
        private final String id;
        private long permits;
        private Duration period = Duration.ZERO;
        private long burst;
        private boolean burstSet;

        private Builder(String id) {
            this.id = Objects.requireNonNull(id, "id");
        }

        /**
         * @param permits permits earned per period
         * @return this builder
         */
        public Builder permits(long permits) {
            this.permits = permits;
            return this;
        }

        /**
         * @param period the period
         * @return this builder
         */
        public Builder per(Duration period) {
            this.period = Objects.requireNonNull(period, "period");
            return this;
        }

        /**
         * @param burst the capacity; when not set, equal to permits
         * @return this builder
         */
        public Builder burst(long burst) {
            this.burst = burst;
            this.burstSet = true;
            return this;
        }

        /**
         * @return the validated limit
         */
        public Limit build() {
            return new Limit(id, permits, period, burstSet ? burst : permits);
        }
    }
}
