package io.twisterlab.deploy;

import java.util.Set;

/**
 * What the deployment assets may rely on from twisterlab-server: the environment variables it reads, the
 * routes the probes use, and the metric sample names its /metrics exposes after some traffic.
 *
 * <p>{@link #current()} is the one place that chooses the source: {@link LiveServerContract}, the real server
 * started in-process. ({@link DeclaredServerContract}, the hand-written list from issue 5 used before the server
 * existed, is kept only to show that the declared names and the real ones agree.)
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
        return LiveServerContract.get();
    }
}
