package io.twisterlab.core.testing;

import io.twisterlab.core.AbstractCoreAgent;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Blocks until the test releases it: for timeouts and graceful shutdown. {@code slow} declares a
 * {@value #TIMEOUT_MILLIS} ms timeout, {@code block} none; both count down {@link #entered()} when they start and
 * return {@code {"released": true}} once {@link #release()} is counted down (or fail when interrupted).
 * {@code fast} returns at once.
 *
 * <pre>{@code
 * SlowAgent slow = new SlowAgent();
 * CompletableFuture<AgentResponse> running = CompletableFuture.supplyAsync(() -> registry.execute("slow", "block", Map.of()));
 * slow.entered().await();
 * server.stop();                 // must wait for the running call
 * slow.release().countDown();
 * }</pre>
 */
public final class SlowAgent extends AbstractCoreAgent {
    /** The timeout {@code slow} declares. */
    public static final long TIMEOUT_MILLIS = 100;

    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    public SlowAgent() {
        super("slow", "Takes its time", "1.0.0");
        query("slow", "Waits until released, at most " + TIMEOUT_MILLIS + " ms")
                .timeout(Duration.ofMillis(TIMEOUT_MILLIS))
                .handler(inv -> awaitRelease());
        query("block", "Waits until released, without a timeout").handler(inv -> awaitRelease());
        query("fast", "Returns at once").handler(inv -> Map.of("fast", true));
    }

    private Map<String, Object> awaitRelease() throws InterruptedException {
        entered.countDown();
        release.await();
        return Map.of("released", true);
    }

    /** Counted down when {@code slow} or {@code block} starts. */
    public CountDownLatch entered() {
        return entered;
    }

    /** Count it down to let {@code slow} and {@code block} return. */
    public CountDownLatch release() {
        return release;
    }
}
