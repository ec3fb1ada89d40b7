package io.twisterlab.ratelimit;

import io.twisterlab.ratelimit.internal.ConfigNames;

/**
 * What a remote store answers when it cannot reach its backend (timeout, connection refused, circuit breaker
 * open). Every decision made under a policy carries {@link Decision#degraded()}.
 *
 * <pre>{@code
 * FailurePolicy policy = FailurePolicy.parse(System.getenv().getOrDefault("POLICY", "local-fallback"));
 * }</pre>
 */
public enum FailurePolicy {
    /** Allow every request: availability first, no limiting during the outage. */
    FAIL_OPEN("fail-open"),
    /** Deny every request: protection first, a full outage of the protected service. */
    FAIL_CLOSED("fail-closed"),
    /** Decide with a local in-memory store at a configured share of each limit (e.g. 1/instances). */
    LOCAL_FALLBACK("local-fallback");

    private final String configName;

    FailurePolicy(String configName) {
        this.configName = configName;
    }

    /** @return the configuration name: {@code fail-open}, {@code fail-closed} or {@code local-fallback} */
    public String configName() {
        return configName;
    }

    /**
     * The one parser of policy names, for configuration binders: case-insensitive, surrounding blanks ignored,
     * {@code -} or {@code _}.
     *
     * @param name for example {@code fail-open} or {@code LOCAL_FALLBACK}
     * @return the policy
     * @throws IllegalArgumentException naming the value and the accepted names
     */
    public static FailurePolicy parse(String name) {
        return ConfigNames.parse("failure policy", name, values(), FailurePolicy::configName);
    }
}
