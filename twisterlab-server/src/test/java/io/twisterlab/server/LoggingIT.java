package io.twisterlab.server;

import static io.twisterlab.server.Fixture.OPERATOR;
import static io.twisterlab.server.Fixture.VIEWER;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.twisterlab.core.testing.EchoAgent;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** One access line per request, one audit line per ACTION over HTTP or MCP (names, never values), no secrets. */
class LoggingIT {
    private final ListAppender<ILoggingEvent> events = new ListAppender<>();
    private final List<Logger> loggers = List.of((Logger) LoggerFactory.getLogger("io.twisterlab.access"),
            (Logger) LoggerFactory.getLogger("io.twisterlab.audit"));

    @BeforeEach
    void attach() {
        events.start();
        for (Logger l : loggers) {
            l.setLevel(Level.INFO);
            l.addAppender(events);
        }
    }

    @AfterEach
    void detach() {
        for (Logger l : loggers) {
            l.detachAppender(events);
            l.setLevel(null);
        }
    }

    private List<String> lines(String logger) {
        return events.list.stream().filter(e -> e.getLoggerName().equals(logger))
                .map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void accessAndAuditLines() {
        try (Fixture f = new Fixture(new EchoAgent())) {
            f.execute(OPERATOR, "echo", "reset", "{\"reason\":\"topsecret-value\"}");
            f.execute(VIEWER, "echo", "reset", "{\"reason\":\"topsecret-value\"}");
            f.execute(VIEWER, "echo", "echo", "{\"text\":\"query\"}");
            f.get("/health?token=topsecret-query", "X-Request-ID", "req-42");
        }
        List<String> access = lines("io.twisterlab.access");
        assertThat(access).hasSize(4);
        assertThat(access.get(0)).contains("method=POST", "path=/api/v1/agents/echo/capabilities/reset",
                "status=200", "route=/api/v1/agents/{agent}/capabilities/{capability}", "principal=operator");
        assertThat(access.get(1)).contains("status=403", "principal=viewer");
        assertThat(access.get(3)).contains("path=/health", "status=200");
        assertThat(events.list.get(events.list.size() - 1).getMDCPropertyMap()).containsEntry("request_id", "req-42");

        List<String> audit = lines("io.twisterlab.audit");
        assertThat(audit).hasSize(2); // the two ACTION attempts; the QUERY is not audited
        assertThat(audit.get(0)).contains("principal=operator", "agent=echo", "capability=reset", "outcome=success",
                "arguments=reason");
        assertThat(audit.get(1)).contains("principal=viewer", "outcome=denied");
        assertThat(events.list).allSatisfy(e -> assertThat(e.getFormattedMessage())
                .doesNotContain("topsecret", Fixture.OPERATOR, Fixture.VIEWER));
    }

    @Test
    void mcpToolCallsOfActionsAreAuditedWithArgumentNamesNeverValues() {
        try (Fixture f = new Fixture(new EchoAgent())) {
            HttpResponse<String> r = f.post("/mcp", "application/json", "{\"jsonrpc\":\"2.0\",\"id\":1,"
                    + "\"method\":\"tools/call\",\"params\":{\"name\":\"echo.reset\","
                    + "\"arguments\":{\"reason\":\"topsecret-value\"}}}", "Authorization", "Bearer " + OPERATOR,
                    "Accept", "application/json, text/event-stream", "X-Request-ID", "req-mcp-1");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(Fixture.json(r).path("result").path("isError").asBoolean()).as(r.body()).isFalse();
            f.post("/mcp", "application/json", "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\","
                    + "\"params\":{\"name\":\"echo.echo\",\"arguments\":{\"text\":\"topsecret\"}}}",
                    "Authorization", "Bearer " + VIEWER, "Accept", "application/json, text/event-stream");
        }
        List<String> audit = lines("io.twisterlab.audit");
        assertThat(audit).hasSize(1); // the ACTION; the QUERY is not audited
        assertThat(audit.get(0)).contains("principal=operator", "agent=echo", "capability=reset", "outcome=success",
                "arguments=reason", "request_id=req-mcp-1");
        assertThat(events.list).allSatisfy(e -> assertThat(e.getFormattedMessage())
                .doesNotContain("topsecret", Fixture.OPERATOR, Fixture.VIEWER));
    }
}
