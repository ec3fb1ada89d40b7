package io.twisterlab.server.ratelimit;

import io.twisterlab.ratelimit.Decision;
import io.twisterlab.ratelimit.DecisionListener;
import io.twisterlab.ratelimit.Limit;
import io.twisterlab.ratelimit.RateLimiter;
import io.twisterlab.ratelimit.http.ClientIpResolver;
import io.twisterlab.ratelimit.http.RateLimitHeaders;
import io.twisterlab.ratelimit.http.TooManyRequestsProblem;
import io.twisterlab.ratelimit.memory.MemoryStore;
import io.twisterlab.server.ServerConfig.RateLimitRule;
import io.twisterlab.server.ServerConfig.Role;
import io.twisterlab.server.ServerConfig;
import io.twisterlab.server.observe.Metrics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rate limiting with twisterlab-ratelimit: the first matching YAML rule, else {@code ratelimit.default}; the login
 * limit per client IP; decisions counted per policy (rule id) and outcome. Limit ids are prefixed with the rule id,
 * so two rules with the same numbers are still two buckets.
 */
public final class StoreRequestLimiter implements RequestLimiter {
    private static final Logger LOG = LoggerFactory.getLogger(StoreRequestLimiter.class);

    private record Policy(String id, String pathPrefix, Set<String> methods, @Nullable Role role, List<Limit> limits,
                          boolean shadow) {
        boolean matches(String method, String path, @Nullable Role callerRole) {
            return path.startsWith(pathPrefix) && (methods.isEmpty() || methods.contains(method))
                    && (role == null || role == callerRole);
        }
    }

    private final boolean enabled;
    private final RateLimiter limiter;
    private final RateLimiter shadowLimiter;
    private final boolean globalShadow;
    private final List<Policy> rules = new ArrayList<>();
    private final Policy defaultPolicy;
    private final Policy loginPolicy;
    private final ClientIpResolver ips;
    private final Metrics metrics;
    private final ServerConfig.RateLimit settings;

    public StoreRequestLimiter(ServerConfig config, RateLimiter limiter, Metrics metrics) {
        this.settings = config.rateLimit();
        this.enabled = settings.enabled();
        this.limiter = limiter;
        this.shadowLimiter = limiter.withShadow(true);
        this.globalShadow = settings.shadow();
        this.metrics = metrics;
        this.ips = settings.clientIpResolver();
        for (RateLimitRule r : settings.rules()) {
            rules.add(new Policy(r.id(), r.pathPrefix(), r.methods(), r.role(), limits(r.id(), r.limits()),
                    r.shadow()));
        }
        defaultPolicy = new Policy("default", "/", Set.of(), null, limits("default", settings.defaultLimits()),
                false);
        loginPolicy = new Policy("login", "/", Set.of(), null, limits("login", config.auth().loginLimit()), false);
    }

    /** The limits with each id prefixed by the policy: {@code <policy>.<permits>-per-<period>}. */
    private static List<Limit> limits(String policy, List<Limit> limits) {
        List<Limit> out = new ArrayList<>();
        for (Limit l : limits) {
            out.add(new Limit(policy + "." + l.id(), l.permits(), l.period(), l.burst()));
        }
        return out;
    }

    /** Limits as configured, e.g. {@code 10/1s,1000/1h}: parsed limits have the id {@code 10-per-1s}. */
    private static String spec(List<Limit> limits) {
        return String.join(",", limits.stream().map(l -> l.id().replace("-per-", "/")).toList());
    }

    /** Forwards store errors and mode changes to metrics (the store logs each transition itself, once). */
    public static DecisionListener listener(Metrics metrics) {
        return new DecisionListener() {
            @Override
            public void onStoreError(String store, Throwable error) {
                metrics.rateLimitStoreError(store);
            }

            @Override
            public void onModeChange(String store, boolean degraded, String reason) {
                metrics.rateLimitDegraded(degraded);
            }
        };
    }

    @Override
    public String clientIp(String peer, @Nullable String xForwardedFor, @Nullable String forwarded) {
        return ips.resolve(peer, xForwardedFor, forwarded);
    }

    @Override
    public Verdict check(String subject, String method, String path, @Nullable Role role) {
        if (!enabled) {
            return Verdict.ALLOW;
        }
        Policy policy = defaultPolicy;
        for (Policy p : rules) {
            if (p.matches(method, path, role)) {
                policy = p;
                break;
            }
        }
        return decide(policy, subject);
    }

    @Override
    public Verdict checkLogin(String clientIp) {
        return decide(loginPolicy, "login:" + clientIp);
    }

    private Verdict decide(Policy policy, String subject) {
        RateLimiter l = globalShadow || policy.shadow() ? shadowLimiter : limiter;
        Decision d;
        try {
            d = l.decide(subject, 1, policy.limits());
        } catch (RuntimeException e) {
            // stores apply their failure policy themselves; this is a last resort that never blocks the API
            LOG.warn("rate-limit decision failed; allowing the request", e);
            metrics.rateLimitStoreError(limiter.store().name());
            return Verdict.ALLOW;
        }
        metrics.rateLimitDecision(policy.id(), d.outcome().label());
        metrics.rateLimitDegraded(limiter.degraded());
        Map<String, String> headers = RateLimitHeaders.of(d, settings.legacyHeaders());
        return d.allowed() ? new Verdict(true, headers, Map.of())
                : new Verdict(false, headers, TooManyRequestsProblem.body(d));
    }

    @Override
    public boolean enabled() {
        return enabled;
    }

    @Override
    public boolean degraded() {
        return limiter.degraded();
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("enabled", enabled);
        m.put("store", limiter.store().name());
        m.put("mode", limiter.degraded() ? "degraded" : "normal");
        if (limiter.store() instanceof MemoryStore memory) {
            m.put("tracked_keys", memory.trackedKeys());
            m.put("max_keys", memory.maxKeys());
        }
        m.put("default", spec(settings.defaultLimits()));
        m.put("failure_policy", settings.failurePolicy().configName());
        m.put("shadow", globalShadow);
        m.put("trusted_proxies", settings.trustedProxies().size());
        m.put("rules", rules.stream().map(Policy::id).toList());
        return m;
    }

    @Override
    public void close() {
        limiter.close();
    }
}
