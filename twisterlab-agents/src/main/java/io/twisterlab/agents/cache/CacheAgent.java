package io.twisterlab.agents.cache;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.twisterlab.core.AbstractCoreAgent;
import io.twisterlab.core.AgentError;
import io.twisterlab.core.AgentHealth;
import io.twisterlab.core.AgentResponse;
import io.twisterlab.core.HealthStatus;
import io.twisterlab.core.JsonLimits;
import io.twisterlab.core.Param;
import io.twisterlab.core.ParamType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * The {@code cache} agent: get, set, delete, list and count JSON values in a {@link CacheBackend}.
 *
 * <p>Every key lives under the agent's namespace prefix (default {@code twisterlab:cache:}): callers name keys
 * without it, and the agent can never read, list or delete keys outside it. Keys are 1-512 characters without
 * control characters; values are at most {@link Builder#maxValueBytes(int) 1 MiB} of JSON. A backend failure is a
 * {@code backend_unavailable} failure, never "not found".
 *
 * <p>Values are any JSON value (string, number, boolean, array, object) within the {@link JsonLimits} and are
 * stored as JSON text, so {@code cache_get} returns what {@code cache_set} was given (numbers with a fraction or an
 * exponent come back exactly, as {@link java.math.BigDecimal}). A stored value that cannot be read back — not JSON,
 * or beyond the {@link JsonLimits}, e.g. written into Redis by another client — is an {@code undecodable_value}
 * failure of {@code cache_get}, never an exception.
 *
 * <pre>{@code
 * CacheAgent cache = CacheAgent.builder().backend(CacheBackend.inMemory(10_000)).build();
 * cache.start();
 * cache.execute(AgentCall.of("cache_set", Map.of("key", "user:1", "value", Map.of("name", "Ada"))));
 * cache.execute(AgentCall.of("cache_get", Map.of("key", "user:1")));   // value: {name=Ada}
 * }</pre>
 */
public final class CacheAgent extends AbstractCoreAgent {
    /** The agent's canonical name. */
    public static final String NAME = "cache";
    /** The default namespace prefix. */
    public static final String DEFAULT_NAMESPACE = "twisterlab:cache:";

    /** The largest {@link Builder#maxValueBytes(int)}. */
    private static final int MAX_VALUE_BYTES = 64 * 1024 * 1024;
    /**
     * Encodes and decodes every value. Its depth bound is the one arguments are validated against, so what
     * {@code cache_set} accepted always decodes, and a deeper value written by someone else fails cleanly; numbers
     * it reads are judged by {@link JsonLimits} before they are returned.
     */
    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(JsonLimits.MAX_DEPTH)
                    .maxStringLength(MAX_VALUE_BYTES)
                    .build())
            .streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(JsonLimits.MAX_DEPTH).build())
            .build())
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final int MAX_KEY_LENGTH = 512;
    /**
     * Most {@code *} wildcards (runs counted once) in a {@code cache_keys} pattern. Real patterns use one or two.
     * The memory backend matches in linear time whatever the pattern; the bound keeps both backends alike and
     * limits the backtracking of Redis servers older than 6.2.11 / 7.0.9 (CVE-2022-36021), which should be
     * upgraded all the same.
     */
    private static final int MAX_PATTERN_STARS = 16;

    private final CacheBackend backend;
    private final String namespace;
    private final int maxValueBytes;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    private CacheAgent(Builder builder) {
        super(NAME, "Key/value cache of JSON values under a namespace, in memory (Caffeine) or in Redis", "1.0.0");
        this.backend = builder.backend;
        this.namespace = builder.namespace;
        this.maxValueBytes = builder.maxValueBytes;

        query("cache_get", "Reads a key: found, value and remaining time to live")
                .param(keyParam())
                .handler(inv -> get(inv.arguments().getString("key")));
        action("cache_set", "Stores a value under a key, optionally with a time to live")
                .param(keyParam())
                .param(Param.builder("value", ParamType.ANY).required()
                        .description("Any JSON value: string, number, boolean, array or object").build())
                .param(Param.builder("ttl_seconds", ParamType.INTEGER).minimum(1).maximum(31_536_000)
                        .description("Time to live in seconds; no expiry when absent").build())
                .handler(inv -> set(inv.arguments().getString("key"), inv.arguments().find("value").orElseThrow(),
                        inv.arguments().findLong("ttl_seconds").orElse(null)));
        action("cache_delete", "Deletes a key")
                .param(keyParam())
                .handler(inv -> delete(inv.arguments().getString("key")));
        query("cache_keys", "Lists keys matching a glob pattern (*, ?, [abc]; at most " + MAX_PATTERN_STARS
                + " '*') using SCAN, never KEYS")
                .param(Param.builder("pattern", ParamType.STRING).defaultValue("*").maxLength(MAX_KEY_LENGTH)
                        .description("Glob over key names (without the namespace)").build())
                .param(Param.builder("limit", ParamType.INTEGER).defaultValue(100).minimum(1).maximum(1000)
                        .description("Maximum keys returned").build())
                .handler(inv -> keys(inv.arguments().getString("pattern"), inv.arguments().getInt("limit")));
        query("cache_stats", "Hits, misses and hit rate since start, key count, and memory where the backend knows it")
                .handler(inv -> stats());
    }

    private static Param keyParam() {
        return Param.builder("key", ParamType.STRING).required().maxLength(MAX_KEY_LENGTH)
                .description("Key name, without the namespace prefix").build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The namespace prefix every key is stored under. */
    public String namespace() {
        return namespace;
    }

    @Override
    public void start() {
        backend.start();
    }

    @Override
    public void stop() {
        backend.close();
    }

    @Override
    public AgentHealth health() {
        long start = System.nanoTime();
        try {
            backend.ping();
            double latency = Math.round((System.nanoTime() - start) / 1e5) / 10.0;
            return AgentHealth.of(HealthStatus.HEALTHY, backend.name() + " backend answered",
                    Map.of("backend", backend.name(), "latency_ms", latency));
        } catch (CacheBackendException e) {
            AgentResponse failure = unavailable(e);
            return AgentHealth.of(HealthStatus.UNHEALTHY, failure.findError().map(AgentError::message)
                            .orElse(backend.name() + " backend is not available"),
                    Map.of("backend", backend.name(), "error", failure.errorCode().orElse("backend_unavailable")));
        }
    }

    // ---------------------------------------------------------------- capabilities

    private Object get(String key) {
        Optional<AgentResponse> invalid = validateKey(key);
        if (invalid.isPresent()) {
            return invalid.get();
        }
        Optional<CacheBackend.Entry> entry;
        try {
            entry = backend.get(namespace + key);
        } catch (CacheBackendException e) {
            return unavailable(e);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("key", key);
        result.put("found", entry.isPresent());
        if (entry.isEmpty()) {
            misses.increment();
            result.put("value", null);
            result.put("ttl", null);
            return result;
        }
        @Nullable Object value;
        try {
            value = JSON.readValue(entry.get().value(), Object.class);
        } catch (JsonProcessingException e) {
            return undecodable(key);
        }
        if (JsonLimits.check("value", value).isPresent()) {
            return undecodable(key);
        }
        hits.increment();
        result.put("value", value);
        @Nullable Duration ttl = entry.get().ttl();
        // whole seconds, rounded up, like Redis TTL; null = no expiry
        result.put("ttl", ttl == null ? null : (ttl.toMillis() + 999) / 1000);
        return result;
    }

    private Object set(String key, Object value, @Nullable Long ttlSeconds) {
        Optional<AgentResponse> invalid = validateKey(key);
        if (invalid.isPresent()) {
            return invalid.get();
        }
        String encoded;
        try {
            encoded = JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            return AgentResponse.failure("invalid_value", "value cannot be stored as JSON: "
                    + e.getOriginalMessage().lines().findFirst().orElse(""));
        }
        int size = encoded.getBytes(StandardCharsets.UTF_8).length;
        if (size > maxValueBytes) {
            return AgentResponse.failure("value_too_large", "value is " + size + " bytes as JSON; the limit is "
                    + maxValueBytes);
        }
        try {
            backend.set(namespace + key, encoded, ttlSeconds == null ? null : Duration.ofSeconds(ttlSeconds));
        } catch (CacheBackendException e) {
            return unavailable(e);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("key", key);
        result.put("stored", true);
        result.put("size_bytes", size);
        result.put("ttl", ttlSeconds);
        return result;
    }

    private Object delete(String key) {
        Optional<AgentResponse> invalid = validateKey(key);
        if (invalid.isPresent()) {
            return invalid.get();
        }
        try {
            boolean deleted = backend.delete(namespace + key);
            return Map.of("key", key, "deleted", deleted);
        } catch (CacheBackendException e) {
            return unavailable(e);
        }
    }

    private Object keys(String pattern, int limit) {
        int stars = Glob.compile(pattern).stars();
        if (stars > MAX_PATTERN_STARS) {
            return AgentResponse.failure("invalid_pattern", "pattern has " + stars + " '*' wildcards; at most "
                    + MAX_PATTERN_STARS + " are allowed");
        }
        CacheBackend.KeyPage page;
        try {
            page = backend.scan(Glob.escape(namespace) + pattern, limit);
        } catch (CacheBackendException e) {
            return unavailable(e);
        }
        List<String> keys = page.keys().stream()
                .filter(k -> k.startsWith(namespace))
                .map(k -> k.substring(namespace.length()))
                .toList();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("pattern", pattern);
        result.put("keys", keys);
        result.put("count", keys.size());
        result.put("truncated", page.truncated());
        return result;
    }

    private Object stats() {
        CacheBackend.Stats stats;
        try {
            stats = backend.stats(namespace);
        } catch (CacheBackendException e) {
            return unavailable(e);
        }
        long h = hits.sum();
        long m = misses.sum();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("backend", backend.name());
        result.put("namespace", namespace);
        result.put("hits", h);
        result.put("misses", m);
        result.put("hit_rate", h + m == 0 ? null : Math.round(10_000.0 * h / (h + m)) / 10_000.0);
        result.put("key_count", stats.keyCount());
        result.put("key_count_exact", stats.keyCountExact());
        result.put("memory_bytes", stats.memoryBytes());
        result.put("details", stats.details());
        return result;
    }

    // ---------------------------------------------------------------- helpers

    private static Optional<AgentResponse> validateKey(String key) {
        if (key.isEmpty()) {
            return Optional.of(AgentResponse.failure("invalid_key", "key must not be empty"));
        }
        if (key.chars().anyMatch(Character::isISOControl)) {
            return Optional.of(AgentResponse.failure("invalid_key", "key must not contain control characters"));
        }
        return Optional.empty();
    }

    private static AgentResponse undecodable(String key) {
        return AgentResponse.failure("undecodable_value", "the value stored under '" + key + "' cannot be read "
                + "back: it is not JSON within the limits (nesting depth " + JsonLimits.MAX_DEPTH
                + ", number size); delete or overwrite it");
    }

    private AgentResponse unavailable(CacheBackendException e) {
        return switch (e.reason()) {
            case UNAVAILABLE -> AgentResponse.failure("backend_unavailable", "The " + backend.name()
                    + " cache backend is not available; nothing was read or changed");
            case REFUSED -> AgentResponse.failure("backend_error", "The " + backend.name() + " cache backend refused "
                    + "the operation");
            case AUTHENTICATION -> AgentResponse.failure("backend_auth_failed", "The " + backend.name()
                    + " cache backend refused the credentials (wrong or missing password in its URL); nothing was "
                    + "read or changed");
        };
    }

    /**
     * Builder for {@link CacheAgent}.
     *
     * <pre>{@code
     * CacheAgent.builder().backend(CacheBackend.inMemory(1_000)).namespace("app:").maxValueBytes(64 * 1024).build();
     * }</pre>
     */
    public static final class Builder {
        private CacheBackend backend = CacheBackend.inMemory(10_000);
        private String namespace = DEFAULT_NAMESPACE;
        private int maxValueBytes = 1024 * 1024;

        private Builder() {
        }

        public Builder backend(CacheBackend backend) {
            this.backend = Objects.requireNonNull(backend, "backend");
            return this;
        }

        /** The prefix of every key (1-128 characters, no control characters). */
        public Builder namespace(String namespace) {
            if (namespace.isEmpty() || namespace.length() > 128 || namespace.chars().anyMatch(Character::isISOControl)) {
                throw new IllegalArgumentException("namespace must be 1-128 characters without control characters");
            }
            this.namespace = namespace;
            return this;
        }

        /** Largest value accepted, in bytes of JSON (UTF-8); 1 byte to 64 MiB. */
        public Builder maxValueBytes(int maxValueBytes) {
            if (maxValueBytes < 1 || maxValueBytes > MAX_VALUE_BYTES) {
                throw new IllegalArgumentException("maxValueBytes must be between 1 and 64 MiB: " + maxValueBytes);
            }
            this.maxValueBytes = maxValueBytes;
            return this;
        }

        public CacheAgent build() {
            return new CacheAgent(this);
        }
    }
}
