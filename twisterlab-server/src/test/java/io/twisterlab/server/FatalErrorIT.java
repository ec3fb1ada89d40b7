package io.twisterlab.server;

import static io.twisterlab.server.Fixture.VIEWER;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A handler that throws (an {@link Error} such as {@link StackOverflowError}, or an unexpected exception) costs
 * one log line naming the request id, never a stack trace a hostile client could repeat to flood the log, and its
 * caller gets a problem+json 500 without internals.
 */
class FatalErrorIT {
    private final ListAppender<ILoggingEvent> events = new ListAppender<>();
    private final Logger httpApp = (Logger) LoggerFactory.getLogger("io.twisterlab.server.http");

    @BeforeEach
    void attach() {
        events.start();
        httpApp.setLevel(Level.INFO);
        httpApp.addAppender(events);
    }

    @AfterEach
    void detach() {
        httpApp.detachAppender(events);
        httpApp.setLevel(null);
    }

    @SuppressWarnings("InfiniteRecursion") // on purpose: the test needs a StackOverflowError
    private static void recurse(int depth) {
        recurse(depth + 1);
    }

    @Test
    void errorsAndUnhandledExceptionsAreOneLineEachAndAProblemWithoutInternals() {
        ServerExtension throwing = (javalin, registry) -> {
            javalin.routes.post("/mcp/overflow", ctx -> recurse(0));
            javalin.routes.post("/mcp/crash", ctx -> {
                throw new IllegalStateException("secret internal detail");
            });
        };
        try (Fixture f = new Fixture(Map.of(), List.of(throwing))) {
            for (String path : List.of("/mcp/overflow", "/mcp/crash")) {
                for (int i = 0; i < 20; i++) {
                    String requestId = "fatal-" + path.substring(5) + "-" + i;
                    HttpResponse<String> r = f.post(path, "application/json", "{}", "X-API-Key", VIEWER,
                            "X-Request-ID", requestId);
                    ServerRoutesIT.assertProblem(r, 500, "internal_error");
                    assertThat(Fixture.json(r).path("request_id").asText()).isEqualTo(requestId);
                    assertThat(r.body()).doesNotContain("StackOverflow", "secret", "Exception", "\tat ");
                }
            }
            assertThat(f.get("/health").statusCode()).as("still answering").isEqualTo(200);
        }
        List<ILoggingEvent> errors = events.list.stream().filter(e -> e.getLevel() == Level.ERROR).toList();
        assertThat(errors).as("one line per failed request").hasSize(40)
                .allSatisfy(e -> assertThat(e.getThrowableProxy()).as("no stack trace").isNull());
        assertThat(errors.subList(0, 20)).allSatisfy(e -> assertThat(e.getFormattedMessage())
                .contains("java.lang.StackOverflowError", "fatal-overflow-"));
        assertThat(errors.subList(20, 40)).allSatisfy(e -> assertThat(e.getFormattedMessage())
                .contains("java.lang.IllegalStateException").doesNotContain("secret"));
        assertThat(errors.get(20).getMDCPropertyMap()).containsEntry("request_id", "fatal-crash-0");
    }
}
