package io.twisterlab.ratelimit.redis;

/**
 * Benchmark-only access to the GCRA script of the Redis store, so that {@code redis-benchmark} can drive
 * <em>exactly</em> the script our store sends (same source, same SHA-1). Lives in the store's package because
 * {@code GcraScript} is package-private; it is part of {@code twisterlab-bench} only, never of the library.
 */
public final class BenchScript {

    private BenchScript() {
    }

    /** @return the Lua source */
    public static String source() {
        return GcraScript.SOURCE;
    }

    /** @return its SHA-1, as used by {@code EVALSHA} */
    public static String sha1() {
        return GcraScript.SHA1;
    }
}
