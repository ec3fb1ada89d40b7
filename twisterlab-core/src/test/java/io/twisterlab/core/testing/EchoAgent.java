package io.twisterlab.core.testing;

import io.twisterlab.core.AbstractCoreAgent;
import io.twisterlab.core.AgentResponse;
import io.twisterlab.core.Param;
import io.twisterlab.core.ParamType;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An agent with one capability for each way an execution can end, and a counted ACTION so that a test can assert
 * that a refused call did not run.
 *
 * <ul>
 *   <li>{@code echo} (QUERY): {@code text} (required, at most 20 characters) repeated {@code times} (1 to 3,
 *       default 1) times, as {@code {"text": ...}}
 *   <li>{@code numbers} (QUERY): the list {@code [1, 2, 3]}, a result that is not an object
 *   <li>{@code reset} (ACTION): counts its runs; takes an optional {@code reason}; returns
 *       {@code {"reset": true, "resets": <runs so far>}}
 *   <li>{@code resets} (QUERY): {@code {"resets": <runs so far>}}
 *   <li>{@code fail} (ACTION): the domain failure {@code nope}
 *   <li>{@code explode} (QUERY): throws an exception whose message holds a secret
 * </ul>
 *
 * <pre>{@code
 * EchoAgent echo = new EchoAgent();
 * assertThatThrownBy(() -> registry.execute("echo", "reset", Map.of(), viewer)).isInstanceOf(AccessDeniedException.class);
 * assertThat(echo.resets()).as("the refused ACTION never ran").isZero();
 * }</pre>
 */
public final class EchoAgent extends AbstractCoreAgent {
    /** What {@code explode} throws: a test asserts that none of it reaches a response. */
    public static final String SECRET = "secret internal detail at db://user:pw@host";

    private final AtomicInteger resets = new AtomicInteger();

    /** An echo agent named {@code echo}. */
    public EchoAgent() {
        this("echo");
    }

    /** An echo agent with another name, e.g. to test lookup by alias. */
    public EchoAgent(String name) {
        super(name, "Echoes text back", "1.0.0");
        query("echo", "Returns the text it was given, repeated")
                .param(Param.builder("text", ParamType.STRING).description("What to echo").required()
                        .maxLength(20).build())
                .param(Param.builder("times", ParamType.INTEGER).description("How often").defaultValue(1)
                        .minimum(1).maximum(3).build())
                .handler(inv -> Map.of("text", inv.arguments().getString("text")
                        .repeat(inv.arguments().getInt("times"))));
        query("numbers", "Returns a list, not an object").handler(inv -> List.of(1, 2, 3));
        action("reset", "Changes state (an ACTION)")
                .param("reason", ParamType.STRING, "why")
                .handler(inv -> Map.of("reset", true, "resets", resets.incrementAndGet()));
        query("resets", "How often reset ran").handler(inv -> Map.of("resets", resets.get()));
        action("fail", "Always fails with a domain error")
                .handler(inv -> AgentResponse.failure("nope", "this capability always fails"));
        query("explode", "Always throws")
                .handler(inv -> {
                    throw new IllegalStateException(SECRET);
                });
    }

    /** How often {@code reset} ran. */
    public int resets() {
        return resets.get();
    }
}
