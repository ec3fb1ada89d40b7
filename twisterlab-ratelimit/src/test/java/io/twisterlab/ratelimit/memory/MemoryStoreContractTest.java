package io.twisterlab.ratelimit.memory;

import io.twisterlab.ratelimit.AbstractGcraConformanceTest;
import io.twisterlab.ratelimit.FakeTicker;
import io.twisterlab.ratelimit.RateLimitStore;

class MemoryStoreContractTest extends AbstractGcraConformanceTest {

    @Override
    protected RateLimitStore createStore(FakeTicker ticker) {
        return MemoryStore.builder().ticker(ticker).build();
    }
}
