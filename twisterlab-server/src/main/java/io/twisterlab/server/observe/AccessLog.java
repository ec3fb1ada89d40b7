package io.twisterlab.server.observe;

import static net.logstash.logback.argument.StructuredArguments.kv;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One line per request on the logger {@code io.twisterlab.access}, structured fields in JSON format. */
public final class AccessLog {
    private static final Logger ACCESS = LoggerFactory.getLogger("io.twisterlab.access");

    private AccessLog() {
    }

    /** A request the application handled (or refused in its gate). */
    public static void request(String method, String path, int status, long nanos, String route, String client,
                               String principal) {
        ACCESS.info("{} {} {} {} {} {} {}", kv("method", method), kv("path", path), kv("status", status),
                kv("duration_ms", Math.round(nanos / 1e4) / 100.0), kv("route", route), kv("client", client),
                kv("principal", principal));
    }

    /** A request the HTTP server refused before the application saw it (route {@code rejected}). */
    public static void rejected(String method, String path, int status, String client) {
        ACCESS.info("{} {} {} {} {}", kv("method", method), kv("path", path), kv("status", status),
                kv("route", "rejected"), kv("client", client));
    }
}
