package io.twisterlab.server.internal;

import io.twisterlab.server.ServerConfig.Role;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/** Rate limiting switched off ({@code ratelimit.enabled: false}): everything allowed, the peer is the client. */
public final class DisabledRequestLimiter implements RequestLimiter {
    @Override
    public String clientIp(String peer, UnaryOperator<@Nullable String> headers) {
        return peer;
    }

    @Override
    public Verdict check(String subject, String method, String path, @Nullable Role role) {
        return Verdict.ALLOW;
    }

    @Override
    public Verdict checkLogin(String clientIp) {
        return Verdict.ALLOW;
    }

    @Override
    public boolean enabled() {
        return false;
    }

    @Override
    public boolean degraded() {
        return false;
    }

    @Override
    public Map<String, Object> describe() {
        return Map.of("enabled", false, "mode", "normal");
    }

    @Override
    public void close() {
    }
}
