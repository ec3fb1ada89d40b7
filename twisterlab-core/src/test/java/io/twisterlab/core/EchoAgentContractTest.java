package io.twisterlab.core;

/** Runs the agent contract against the test echo agent, so the contract suite itself is exercised. */
class EchoAgentContractTest extends AbstractAgentContractTest {
    @Override
    protected CoreAgent createAgent() {
        return new TestAgents.EchoAgent();
    }
}
