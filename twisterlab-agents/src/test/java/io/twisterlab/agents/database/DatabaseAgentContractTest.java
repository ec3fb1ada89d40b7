package io.twisterlab.agents.database;

import io.twisterlab.core.AbstractAgentContractTest;
import io.twisterlab.core.CoreAgent;

class DatabaseAgentContractTest extends AbstractAgentContractTest {
    @Override
    protected CoreAgent createAgent() {
        return DatabaseAgent.builder().url("jdbc:h2:mem:contract;DB_CLOSE_DELAY=-1").build();
    }
}
