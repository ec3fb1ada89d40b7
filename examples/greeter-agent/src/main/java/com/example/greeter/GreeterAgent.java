package com.example.greeter;

import io.twisterlab.core.AbstractCoreAgent;
import io.twisterlab.core.AgentResponse;
import io.twisterlab.core.Param;
import io.twisterlab.core.ParamType;
import java.util.Map;

/**
 * The README's greeter: {@code greet} says hello to someone, {@code forget} shows a failure with a stable code.
 *
 * <pre>{@code
 * new GreeterAgent("Bonjour").greet -> {"greeting": "Bonjour, world"}
 * }</pre>
 */
public final class GreeterAgent extends AbstractCoreAgent {
    /** @param greeting the word before the name */
    public GreeterAgent(String greeting) {
        super("greeter", "Greets people", "1.0.0");
        query("greet", "Says hello to someone")
                .param(Param.builder("name", ParamType.STRING).defaultValue("world").maxLength(50).build())
                .handler(inv -> Map.of("greeting", greeting + ", " + inv.arguments().getString("name")));
        action("forget", "Clears what the greeter remembers")
                .handler(inv -> AgentResponse.failure("nothing_to_forget", "The greeter remembers nothing"));
    }
}
