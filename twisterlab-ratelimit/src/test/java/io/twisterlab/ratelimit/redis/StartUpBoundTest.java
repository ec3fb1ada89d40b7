package io.twisterlab.ratelimit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.lettuce.core.api.async.BaseRedisAsyncCommands;
import io.twisterlab.ratelimit.DecisionListener;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/**
 * The start-up bound of a store built from a URI, on a clock the test drives: a first connection slowed by the JVM
 * (class loading, event loop start-up) is not "Redis unreachable", start-up stays bounded, and a connection that
 * comes after the bound makes the store probe Redis at once.
 */
class StartUpBoundTest {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5); // the default

    /** A clock that moves one second each time it is read, and opens {@link #reached} once it is {@code at} past its start. */
    private static final class SteppingClock implements LongSupplier {
        final AtomicLong now = new AtomicLong(1_000_000_000_000L);
        final long start = now.get();
        final CountDownLatch reached = new CountDownLatch(1);
        private final long at;

        SteppingClock(Duration at) {
            this.at = at.toNanos();
        }

        @Override
        public long getAsLong() {
            long t = now.addAndGet(TimeUnit.SECONDS.toNanos(1));
            if (t - start >= at) {
                reached.countDown();
            }
            return t;
        }
    }

    private final List<Throwable> errors = new CopyOnWriteArrayList<>();
    private final AtomicInteger connects = new AtomicInteger();
    private final AtomicInteger shutdowns = new AtomicInteger();

    /** A client whose first connection takes until {@code connected} opens, as a starved JVM's does. */
    private RedisConnections.Client slowClient(CountDownLatch connected) {
        return new RedisConnections.Client(() -> {
            connects.incrementAndGet();
            try {
                assertThat(connected.await(60, TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            return new RedisConnections.Owned(unusedCommands(), () -> { });
        }, shutdowns::incrementAndGet);
    }

    private RedisStore.Builder builder() {
        return RedisStore.builder("redis://127.0.0.1:6379").warmUp(false).listener(new DecisionListener() {
            @Override
            public void onStoreError(String store, Throwable error) {
                errors.add(error);
            }
        });
    }

    @Test
    void aFirstConnectionSlowerThanTheConnectTimeoutButWithinTheBoundStartsConnected() {
        // connected 7 s after the build started: past one connect timeout, within the bound of two
        SteppingClock clock = new SteppingClock(Duration.ofSeconds(7));
        try (RedisStore store = LettuceGcraStore.create(builder(), slowClient(clock.reached), false, clock)) {
            assertThat(store.degraded()).isFalse();
            assertThat(errors).isEmpty();
            assertThat(store.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
            assertThat(clock.now.get() - clock.start).as("the connection outlasted one connect timeout")
                    .isGreaterThan(CONNECT_TIMEOUT.toNanos());
        }
        assertThat(connects).hasValue(1);
        assertThat(shutdowns).hasValue(1);
    }

    @Test
    void aFirstConnectionBeyondTheBoundStartsDegradedAndProbesAsSoonAsItConnects() {
        SteppingClock clock = new SteppingClock(Duration.ofDays(1)); // never opens the latch by itself
        CountDownLatch connected = new CountDownLatch(1);
        try (RedisStore store = LettuceGcraStore.create(builder(), slowClient(connected), false, clock)) {
            assertThat(clock.now.get() - clock.start).as("start-up bounded by two connect timeouts")
                    .isBetween(CONNECT_TIMEOUT.multipliedBy(2).toNanos(),
                            CONNECT_TIMEOUT.multipliedBy(2).plusSeconds(2).toNanos());
            assertThat(store.degraded()).isTrue();
            assertThat(errors).singleElement().isInstanceOf(TimeoutException.class);
            assertThat(store.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.OPEN);

            connected.countDown(); // the attempt that outlived the bound connects: probes go through at once
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (store.circuitBreaker().getState() == CircuitBreaker.State.OPEN) {
                assertThat(System.nanoTime()).as("breaker half-open once connected").isLessThan(deadline);
                Thread.onSpinWait();
            }
            assertThat(store.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
            assertThat(connects).as("the same attempt, not a new one").hasValue(1);
        } finally {
            connected.countDown();
        }
    }

    @SuppressWarnings("unchecked") // a proxy of the generic interface: nothing is called on it in these tests
    private static BaseRedisAsyncCommands<String, String> unusedCommands() {
        return (BaseRedisAsyncCommands<String, String>) Proxy.newProxyInstance(StartUpBoundTest.class.getClassLoader(),
                new Class<?>[] {BaseRedisAsyncCommands.class}, (proxy, method, args) -> {
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
