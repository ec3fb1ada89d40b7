package io.twisterlab.agents.maestro;

import io.twisterlab.core.AbstractAgentContractTest;
import io.twisterlab.core.CoreAgent;

class MaestroAgentContractTest extends AbstractAgentContractTest {
    @Override
    protected CoreAgent createAgent() {
        return MaestroAgent.builder().build();
    }
}
