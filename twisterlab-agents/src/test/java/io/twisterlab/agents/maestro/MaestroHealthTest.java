package io.twisterlab.agents.maestro;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.twisterlab.core.AgentHealth;
import io.twisterlab.core.HealthStatus;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Maestro's health: the LLM, when one is configured, is an optional dependency that degrades it. */
class MaestroHealthTest {
    private static MaestroAgent withLlm(URI url) {
        return MaestroAgent.builder().ollama(new OllamaConfig(url, "test-model", Duration.ofSeconds(30))).build();
    }

    @Test
    void healthyWithoutAnLlm() {
        assertThat(MaestroAgent.builder().build().health().status()).isEqualTo(HealthStatus.HEALTHY);
    }

    @Test
    void anUnreachableLlmDegradesMaestroWithinThePingTimeout() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        long start = System.nanoTime();
        AgentHealth health = withLlm(URI.create("http://127.0.0.1:" + port)).health();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(MaestroAgent.LLM_PING_TIMEOUT
                .plusSeconds(1));
        assertThat(health.status()).isEqualTo(HealthStatus.DEGRADED);
        assertThat(health.message()).contains("not reachable", "rules");
        assertThat(health.details()).containsEntry("llm", "llm_unavailable");
    }

    @Test
    void anLlmThatListsItsModelsIsHealthyAndOneThatAnswers500IsNot() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/tags", exchange -> {
            int status = exchange.getRequestMethod().equals("GET") ? 200 : 405;
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.createContext("/broken/api/tags", exchange -> {
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
        });
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            assertThat(withLlm(URI.create(base)).health().status()).isEqualTo(HealthStatus.HEALTHY);
            AgentHealth broken = withLlm(URI.create(base + "/broken/")).health();
            assertThat(broken.status()).isEqualTo(HealthStatus.DEGRADED);
            assertThat(broken.message()).contains("HTTP 500");
        } finally {
            server.stop(0);
        }
    }
}
