package io.twisterlab.agents.maestro;

import io.twisterlab.core.AbstractAgentContractTest;
import io.twisterlab.core.CoreAgent;
import java.net.URI;
import java.time.Duration;

/** The contract again with an LLM configured, so that chat and generate are checked too. */
class MaestroAgentWithLlmContractTest extends AbstractAgentContractTest {
    @Override
    protected CoreAgent createAgent() {
        return MaestroAgent.builder()
                .ollama(new OllamaConfig(URI.create("http://127.0.0.1:9"), "test-model", Duration.ofMillis(200)))
                .build();
    }
}
