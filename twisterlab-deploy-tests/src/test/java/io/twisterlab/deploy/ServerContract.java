package io.twisterlab.deploy;

import java.util.Set;

/**
 * What the deployment assets may rely on from twisterlab-server: the environment variables it reads, the
 * routes the probes use, and the metric sample names its /metrics exposes after some traffic.
 *
 * <p>{@link #current()} is the one place that chooses the source. While twisterlab-server is not in main it
 * is {@link DeclaredServerContract}, the list declared in issue 5 — NOT the live server; see that class.
 */
interface ServerContract {

    /** Human-readable source for assertion messages. */
    String source();

    /** Names of environment variables the server reads ({@code TWISTERLAB_*}). */
    Set<String> environmentVariables();

    /** HTTP status of {@code GET path} on a server with default settings (404 for unknown routes). */
    int getStatus(String path);

    /** Sample names in the server's /metrics after a smoke run (e.g. {@code x_bucket}, {@code y_total}). */
    Set<String> metricSampleNames();

    static ServerContract current() {
        return DeclaredServerContract.INSTANCE;
    }
}
