package io.twisterlab.server.http;

import java.util.Set;

/**
 * The HTTP methods the server knows: the RFC 9110 methods and PATCH. Any other token is a valid extension method
 * to Jetty and Javalin, so a client can invent one per request; the server refuses those with 501 and never uses
 * the client's text as a metric label.
 */
final class HttpMethods {
    /** The metric label of every method outside {@link #STANDARD}. */
    static final String OTHER = "other";
    private static final Set<String> STANDARD =
            Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");

    private HttpMethods() {
    }

    static boolean isStandard(String method) {
        return STANDARD.contains(method);
    }

    /** {@code method} if it is standard, else {@value #OTHER}: a label from a closed set. */
    static String label(String method) {
        return isStandard(method) ? method : OTHER;
    }
}
