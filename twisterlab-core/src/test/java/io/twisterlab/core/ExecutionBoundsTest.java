package io.twisterlab.core;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/** What a handler learns of its time budget, and what a handler that overflows its stack costs the log. */
class ExecutionBoundsTest {
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private AgentRegistry registry;

    @BeforeEach
    void capture() {
        appender.start();
        root.addAppender(appender);
    }

    @AfterEach
    void close() {
        root.detachAppender(appender);
        if (registry != null) {
            registry.close();
        }
    }

    /** Records the budget its handler was given; {@code recurse} overflows the stack. */
    static final class BudgetAgent extends AbstractCoreAgent {
        final AtomicReference<Optional<Duration>> seen = new AtomicReference<>();

        BudgetAgent() {
            super("budget", "Reports its time budget", "1.0.0");
            query("default_budget", "Runs under the registry's default timeout").handler(inv -> {
                seen.set(inv.findTimeout());
                return Map.of();
            });
            query("own_budget", "Declares its own timeout").timeout(Duration.ofMillis(750)).handler(inv -> {
                seen.set(inv.findTimeout());
                return Map.of();
            });
            query("recurse", "Overflows the stack").handler(inv -> Map.of("depth", depth(0)));
        }

        @SuppressWarnings("InfiniteRecursion") // on purpose: this capability must overflow the stack
        private static int depth(int n) {
            return depth(n + 1) + 1;
        }
    }

    @org.junit.jupiter.api.Test
    void theHandlerSeesTheTimeoutItsCallerWaits() {
        BudgetAgent agent = new BudgetAgent();
        registry = AgentRegistry.builder().defaultTimeout(Duration.ofSeconds(3)).register(agent).build();
        registry.execute("budget", "default_budget", Map.of());
        assertThat(agent.seen.get()).contains(Duration.ofSeconds(3));
        registry.execute("budget", "own_budget", Map.of());
        assertThat(agent.seen.get()).contains(Duration.ofMillis(750));
    }

    @org.junit.jupiter.api.Test
    void withoutARegistryTimeoutTheHandlerSeesNone() {
        BudgetAgent agent = new BudgetAgent();
        registry = AgentRegistry.builder().register(agent).build();
        registry.execute("budget", "default_budget", Map.of());
        assertThat(agent.seen.get()).isEmpty();
        agent.execute(AgentCall.of("default_budget", Map.of()));
        assertThat(agent.seen.get()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aStackOverflowIsAnInternalErrorAndOneLogLine(boolean withTimeout) {
        AgentRegistry.Builder builder = AgentRegistry.builder().register(new BudgetAgent());
        if (withTimeout) {
            builder.defaultTimeout(Duration.ofSeconds(30));
        }
        registry = builder.build();
        AgentResponse response = registry.execute("budget", "recurse", Map.of(),
                ExecutionContext.of("mallory", Set.of(), "req-so"));
        assertThat(response.errorCode()).contains(AgentError.INTERNAL_ERROR);
        List<ILoggingEvent> errors = appender.list.stream()
                .filter(e -> e.getLevel() == ch.qos.logback.classic.Level.ERROR).toList();
        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.getFormattedMessage()).contains("budget.recurse", "StackOverflowError", "req-so");
            assertThat(e.getThrowableProxy()).as("no stack trace in the log").isNull();
        });
        assertThat(registry.execute("budget", "default_budget", Map.of()).success()).isTrue();
    }
}
