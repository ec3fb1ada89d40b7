/**
 * The TwisterLab HTTP server: a thin Javalin 7 application that exposes an
 * {@link io.twisterlab.core.AgentRegistry} over HTTP with API-key/JWT auth, role-based access, rate limiting,
 * RFC 9457 problem responses and Prometheus metrics.
 *
 * <p>Start it in-process (tests, embedding) with {@link io.twisterlab.server.TwisterLabServer}:
 *
 * <pre>{@code
 * ServerConfig config = ServerConfig.fromSettings(Map.of("server.port", "0"));
 * try (TwisterLabServer server = TwisterLabServer.builder(config).build().start()) {
 *     URI base = server.baseUri();   // http://127.0.0.1:<random port>
 * }
 * }</pre>
 *
 * <p>Null policy: nothing in this package accepts or returns {@code null} unless annotated
 * {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package io.twisterlab.server;

import org.jspecify.annotations.NullMarked;
