package com.example.greeter;

import io.twisterlab.core.AbstractAgentContractTest;
import io.twisterlab.core.CoreAgent;

/** The contract every TwisterLab agent meets, from the twisterlab-core test-jar. */
class GreeterAgentContractTest extends AbstractAgentContractTest {
    @Override
    protected CoreAgent createAgent() {
        return new GreeterAgent("Hello");
    }
}
