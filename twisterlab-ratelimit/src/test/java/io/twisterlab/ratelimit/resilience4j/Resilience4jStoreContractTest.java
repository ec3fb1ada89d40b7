package io.twisterlab.ratelimit.resilience4j;

import io.twisterlab.ratelimit.AbstractRateLimitStoreContractTest;
import io.twisterlab.ratelimit.FakeTicker;
import io.twisterlab.ratelimit.RateLimitStore;

/**
 * The general store rules. Not GCRA conformance: the adapter counts fixed cycles on its own clock, which the
 * contract's hour- and day-long limits never reach within a test (see {@link Resilience4jStore}).
 */
class Resilience4jStoreContractTest extends AbstractRateLimitStoreContractTest {

    @Override
    protected RateLimitStore createStore(FakeTicker ticker) {
        return Resilience4jStore.builder().build();
    }
}
