package io.twisterlab.server;

import static io.twisterlab.server.Fixture.VIEWER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.twisterlab.core.testing.SlowAgent;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

class ShutdownIT {
    @Test
    void stopDrainsInFlightRequestsThenRefusesConnections() throws Exception {
        SlowAgent slow = new SlowAgent();
        Fixture f = new Fixture(Map.of("server.shutdown_timeout_ms", "30000"), slow);
        CompletableFuture<HttpResponse<String>> inFlight = CompletableFuture.supplyAsync(
                () -> f.execute(VIEWER, "slow", "block", "{}"));
        assertThat(slow.entered().await(30, TimeUnit.SECONDS)).as("the request is in the handler").isTrue();

        CompletableFuture<Void> stopping = CompletableFuture.runAsync(f.server::stop);
        // the event that says stop() is under way: the listener refuses new connections
        awaitRefused(f.server.port());
        // the in-flight request keeps the server draining: a stop that did not wait would finish now
        assertThatThrownBy(() -> stopping.get(2, TimeUnit.SECONDS)).isInstanceOf(TimeoutException.class);
        assertThat(inFlight).isNotDone();
        slow.release().countDown();

        HttpResponse<String> r = inFlight.get(30, TimeUnit.SECONDS);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(Fixture.json(r).path("data").path("released").asBoolean()).isTrue();
        stopping.get(30, TimeUnit.SECONDS);
        assertThat(f.server.registry().isStarted()).isFalse();
        assertThatThrownBy(() -> f.get("/health")).hasCauseInstanceOf(ConnectException.class);
        f.server.stop(); // idempotent
    }

    /**
     * The default drain time (server.shutdown_timeout_ms 10000, not raised here) runs out while a request is still
     * in its handler: stop() gives up after the drain time rather than waiting for the handler and reports it by
     * throwing (so Main exits with status 1, see ProcessIT), the agents are stopped all the same, and the client's
     * connection is closed without a response rather than left hanging.
     */
    @Test
    void aRequestThatOutlivesTheDefaultDrainTimeIsCutOffAndStopFails() throws Exception {
        SlowAgent slow = new SlowAgent();
        Fixture f = new Fixture(Map.of(), slow);
        assertThat(f.server.config().shutdownTimeout()).as("the default drain time").hasSeconds(10);
        CompletableFuture<HttpResponse<String>> inFlight = CompletableFuture.supplyAsync(
                () -> f.execute(VIEWER, "slow", "block", "{}"));
        assertThat(slow.entered().await(30, TimeUnit.SECONDS)).as("the request is in the handler").isTrue();
        try {
            long start = System.nanoTime();
            assertThatThrownBy(f.server::stop).as("stop() with a request still running after the drain time")
                    .hasRootCauseInstanceOf(TimeoutException.class);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(took).as("stop() waited the drain time, then gave up")
                    .isBetween(Duration.ofMillis(9_500), Duration.ofSeconds(40));
            assertThat(f.server.registry().isStarted()).as("agents stopped despite the failed drain").isFalse();
            assertThatThrownBy(() -> inFlight.get(30, TimeUnit.SECONDS)).as("what the client sees")
                    .isInstanceOf(ExecutionException.class).hasRootCauseInstanceOf(IOException.class);
            assertThatThrownBy(() -> f.get("/health")).hasCauseInstanceOf(ConnectException.class);
        } finally {
            slow.release().countDown();
        }
    }

    private static void awaitRefused(int port) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            } catch (ConnectException refused) {
                return;
            } catch (IOException e) {
                // a timeout or reset: not yet the refusal this waits for
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        throw new AssertionError("the listener still accepts connections 30 s after stop() began");
    }
}
