package io.twisterlab.core;

import io.twisterlab.core.testing.EchoAgent;

/** Runs the agent contract against the published test echo agent, so the contract suite itself is exercised. */
class EchoAgentContractTest extends AbstractAgentContractTest {
    @Override
    protected CoreAgent createAgent() {
        return new EchoAgent();
    }
}
