package io.twisterlab.server;

import static io.twisterlab.server.Fixture.VIEWER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.twisterlab.core.testing.SlowAgent;
import java.net.ConnectException;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ShutdownIT {
    @Test
    void stopDrainsInFlightRequestsThenRefusesConnections() throws Exception {
        SlowAgent slow = new SlowAgent();
        Fixture f = new Fixture(java.util.Map.of("server.shutdown_timeout_ms", "30000"), slow);
        CompletableFuture<HttpResponse<String>> inFlight = CompletableFuture.supplyAsync(
                () -> f.execute(VIEWER, "slow", "block", "{}"));
        assertThat(slow.entered().await(30, TimeUnit.SECONDS)).isTrue();

        CompletableFuture<Void> stopping = CompletableFuture.runAsync(f.server::stop);
        // the in-flight request keeps the server draining: stop cannot finish before it is released
        assertThat(stopping).isNotDone();
        slow.release().countDown();

        HttpResponse<String> r = inFlight.get(30, TimeUnit.SECONDS);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(Fixture.json(r).path("data").path("released").asBoolean()).isTrue();
        stopping.get(30, TimeUnit.SECONDS);
        assertThat(f.server.registry().isStarted()).isFalse();
        assertThatThrownBy(() -> f.get("/health")).hasCauseInstanceOf(ConnectException.class);
        f.server.stop(); // idempotent
    }
}
