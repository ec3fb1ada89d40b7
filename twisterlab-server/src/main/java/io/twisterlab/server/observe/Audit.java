package io.twisterlab.server.observe;

import io.twisterlab.core.CapabilityKind;
import io.twisterlab.core.ExecutionEvent;
import io.twisterlab.core.ExecutionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * One audit line (logger {@code io.twisterlab.audit}) per ACTION execution, nested ones included: who, what,
 * outcome, request id, and the argument names of the call as the event carries them (never values).
 */
public final class Audit implements ExecutionListener {
    private static final Logger AUDIT = LoggerFactory.getLogger("io.twisterlab.audit");

    @Override
    public void onExecution(ExecutionEvent e) {
        if (e.kind() != CapabilityKind.ACTION) {
            return;
        }
        AUDIT.info("audit {} {} {} {} {} {} {} {} {}", kv("principal", e.context().principal()),
                kv("roles", String.join("|", e.context().roles())), kv("agent", e.agent()),
                kv("capability", e.capability()), kv("outcome", e.outcome().label()),
                kv("error", e.findErrorCode().orElse("-")), kv("arguments", String.join("|", e.argumentNames())),
                kv("request_id", e.context().findRequestId().orElse("-")),
                kv("duration_ms", e.duration().toMillis()));
    }
}
