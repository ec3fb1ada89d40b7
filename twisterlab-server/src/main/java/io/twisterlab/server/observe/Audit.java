package io.twisterlab.server.observe;

import io.twisterlab.core.CapabilityKind;
import io.twisterlab.core.ExecutionEvent;
import io.twisterlab.core.ExecutionListener;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * One audit line (logger {@code io.twisterlab.audit}) per ACTION execution, nested ones included: who, what,
 * outcome, request id, and the argument names of the HTTP call (never values).
 */
public final class Audit implements ExecutionListener {
    private static final Logger AUDIT = LoggerFactory.getLogger("io.twisterlab.audit");

    private final Map<String, List<String>> argumentNames = new ConcurrentHashMap<>();

    /** Remembers the argument names of an HTTP call while it runs. */
    public void begin(String requestId, String capability, List<String> names) {
        argumentNames.put(requestId + "\u0000" + capability, names.stream().limit(50).map(Audit::safe).toList());
    }

    /** Argument names come from the client: keep them to a safe alphabet and length in the log. */
    static String safe(String name) {
        String cleaned = name.replaceAll("[^A-Za-z0-9_.-]", "?");
        return cleaned.length() > 64 ? cleaned.substring(0, 64) + "..." : cleaned;
    }

    public void end(String requestId, String capability) {
        argumentNames.remove(requestId + "\u0000" + capability);
    }

    @Override
    public void onExecution(ExecutionEvent e) {
        if (e.kind() != CapabilityKind.ACTION) {
            return;
        }
        String requestId = e.context().findRequestId().orElse("-");
        List<String> names = argumentNames.getOrDefault(requestId + "\u0000" + e.capability(), List.of());
        AUDIT.info("audit {} {} {} {} {} {} {} {} {}", kv("principal", e.context().principal()),
                kv("roles", String.join("|", e.context().roles())), kv("agent", e.agent()),
                kv("capability", e.capability()), kv("outcome", e.outcome().label()),
                kv("error", e.findErrorCode().orElse("-")), kv("arguments", String.join("|", names)),
                kv("request_id", requestId), kv("duration_ms", e.duration().toMillis()));
    }
}
