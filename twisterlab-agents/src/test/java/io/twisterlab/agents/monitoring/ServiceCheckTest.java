package io.twisterlab.agents.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.twisterlab.core.AgentCall;
import io.twisterlab.core.HealthStatus;
import io.twisterlab.core.spi.ProviderContext;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ServiceCheckTest {
    @Test
    void jdbcCheckOpensAndValidatesAConnection() throws Exception {
        ServiceCheck check = ServiceCheck.jdbc("database", "jdbc:h2:mem:" + UUID.randomUUID(), "", "",
                Duration.ofSeconds(1));
        assertThat(check.kind()).isEqualTo("jdbc");
        assertThat(check.check().status()).isEqualTo(HealthStatus.HEALTHY);
        assertThat(check.toString()).doesNotContain("password");
    }

    @Test
    void jdbcCheckOfAnUnreachableDatabaseThrows() throws IOException {
        ServiceCheck check = ServiceCheck.jdbc("database", "jdbc:postgresql://127.0.0.1:"
                + MonitoringAgentTest.closedPort() + "/x", "u", "secret", Duration.ofSeconds(1));
        assertThatThrownBy(check::check).isInstanceOf(java.sql.SQLException.class);
    }

    @Test
    void httpCheckIsHealthyOnlyFor2xx() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/tags", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.createContext("/broken", exchange -> {
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
        });
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            assertThat(ServiceCheck.http("llm", URI.create(base + "/api/tags"), Duration.ofSeconds(2)).check())
                    .isEqualTo(ServiceCheck.Result.healthy("GET /api/tags answered 200"));
            assertThat(ServiceCheck.http("x", URI.create(base + "/broken"), Duration.ofSeconds(2)).check().status())
                    .isEqualTo(HealthStatus.UNHEALTHY);

            MonitoringAgent agent = (MonitoringAgent) new MonitoringAgentProvider().createAgents(ProviderContext
                    .builder().config("llm.url", base).config("database.url", "jdbc:h2:mem:" + UUID.randomUUID())
                    .build()).iterator().next();
            @SuppressWarnings("unchecked")
            Map<String, Object> data = (Map<String, Object>) agent.execute(AgentCall.of("health_check", Map.of()))
                    .data();
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> services = (List<Map<String, Object>>) data.get("services");
            assertThat(services).extracting(s -> s.get("name"), s -> s.get("status")).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("database", "healthy"),
                    org.assertj.core.groups.Tuple.tuple("llm", "healthy"));
            assertThat(data.get("overall")).isEqualTo("healthy");
        } finally {
            server.stop(0);
        }
    }
}
