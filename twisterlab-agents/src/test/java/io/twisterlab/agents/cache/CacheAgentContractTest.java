package io.twisterlab.agents.cache;

import io.twisterlab.core.AbstractAgentContractTest;
import io.twisterlab.core.CoreAgent;

class CacheAgentContractTest extends AbstractAgentContractTest {
    @Override
    protected CoreAgent createAgent() {
        return CacheAgent.builder().backend(CacheBackend.inMemory(100)).build();
    }
}
