package io.twisterlab.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.twisterlab.ratelimit.memory.MemoryStore;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

class CoarseTickerTest {

    @Test
    void followsTheSystemClockWithinItsResolutionAndNeverGoesBack() {
        try (CoarseTicker clock = Ticker.coarse(Duration.ofMillis(1))) {
            assertThat(clock.running()).isTrue();
            assertThat(clock.resolution()).isEqualTo(Duration.ofMillis(1));
            long first = clock.read();
            assertThat(first).isLessThanOrEqualTo(System.nanoTime());
            long previous = first;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (clock.read() - first < TimeUnit.MILLISECONDS.toNanos(20) && System.nanoTime() < deadline) {
                long t = clock.read();
                assertThat(t).isGreaterThanOrEqualTo(previous);
                previous = t;
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
            assertThat(clock.read() - first).as("the refresher thread moves the reading").isGreaterThanOrEqualTo(
                    TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    @Test
    void closeStopsTheThreadAndFallsBackToTheSystemClock() throws Exception {
        CoarseTicker clock = Ticker.coarse(Duration.ofMillis(100));
        clock.close();
        clock.close(); // idempotent
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (clock.running() && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertThat(clock.running()).isFalse();
        long a = clock.read();
        Thread.sleep(2);
        assertThat(clock.read() - a).as("after close, readings are System.nanoTime()")
                .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(2));
        assertThat(clock.toString()).contains("closed");
    }

    @Test
    void rejectsResolutionsOutOfRange() {
        assertThatThrownBy(() -> Ticker.coarse(Duration.ofNanos(9_999))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("resolution");
        assertThatThrownBy(() -> Ticker.coarse(Duration.ofSeconds(2))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("resolution");
        assertThatThrownBy(() -> Ticker.coarse(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aStoreRejectsLimitsFinerThanTenResolutionsAndAcceptsTheOthers() {
        Limit tooFine = Limit.of(2_000, Duration.ofSeconds(1));   // 500 µs < 10 × 100 µs
        Limit edge = Limit.of(1_000, Duration.ofSeconds(1));      // 1 ms = 10 × 100 µs
        try (CoarseTicker clock = Ticker.coarse(Duration.ofNanos(100_000));
             MemoryStore store = MemoryStore.builder().ticker(clock).build()) {
            assertThatThrownBy(() -> store.tryAcquire("s", 1, tooFine))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("emission interval").hasMessageContaining("10×")
                    .hasMessageContaining("coarse ticker");
            assertThatThrownBy(() -> store.decide("s", 1, tooFine)).isInstanceOf(IllegalArgumentException.class);
            assertThat(store.trackedKeys()).isZero();
            assertThat(store.tryAcquire("s", 1, edge)).isEqualTo(edge.burst() - 1);
            assertThat(store.decide("s", 1, edge).allowed()).isTrue();
            clock.check(edge);
            assertThatThrownBy(() -> clock.check(tooFine)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
