package io.twisterlab.agents.monitoring;

import io.twisterlab.core.AbstractAgentContractTest;
import io.twisterlab.core.CoreAgent;
import java.time.Duration;

class MonitoringAgentContractTest extends AbstractAgentContractTest {
    @Override
    protected CoreAgent createAgent() {
        return MonitoringAgent.builder().cpuSampleInterval(Duration.ofMillis(5)).build();
    }
}
