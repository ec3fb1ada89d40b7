package io.twisterlab.server.internal;

import io.twisterlab.core.CapabilityKind;
import io.twisterlab.core.ExecutionEvent;
import io.twisterlab.core.ExecutionListener;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One audit line (logger {@code io.twisterlab.audit}) per ACTION execution, nested ones included: who, what,
 * outcome, request id, and the argument names of the HTTP call (never values).
 */
public final class Audit implements ExecutionListener {
    private static final Logger AUDIT = LoggerFactory.getLogger("io.twisterlab.audit");

    private final Map<String, List<String>> argumentNames = new ConcurrentHashMap<>();

    /** Remembers the argument names of an HTTP call while it runs. */
    public void begin(String requestId, String capability, List<String> names) {
        argumentNames.put(requestId + "\u0000" + capability, List.copyOf(names));
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
        AUDIT.info("audit principal={} roles={} agent={} capability={} outcome={} error={} arguments={} "
                        + "request_id={} duration_ms={}",
                e.context().principal(), e.context().roles(), e.agent(), e.capability(), e.outcome().label(),
                e.findErrorCode().orElse("-"), names, requestId, e.duration().toMillis());
    }
}
