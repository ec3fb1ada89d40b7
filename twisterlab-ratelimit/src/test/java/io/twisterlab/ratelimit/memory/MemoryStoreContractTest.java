package io.twisterlab.ratelimit.memory;

import io.twisterlab.ratelimit.AbstractRateLimitStoreContractTest;
import io.twisterlab.ratelimit.FakeTicker;
import io.twisterlab.ratelimit.RateLimitStore;

class MemoryStoreContractTest extends AbstractRateLimitStoreContractTest {

    @Override
    protected RateLimitStore createStore(FakeTicker ticker) {
        return MemoryStore.builder().ticker(ticker).build();
    }
}
