package io.twisterlab.e2e;

import io.twisterlab.ratelimit.redis.RedisServerProcess;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;

/** Names logs after the test, and closes every process the test started, whatever its outcome. */
abstract class E2eBase {
    String testName = getClass().getSimpleName();

    @BeforeEach
    void nameLogs(TestInfo info) {
        testName = getClass().getSimpleName() + "." + info.getTestMethod().map(m -> m.getName()).orElse("test");
    }

    @AfterEach
    void closeProcesses() {
        if (!sharesProcessesAcrossTests()) {
            Cleanup.closeAll();
        }
    }

    /** True for classes that start their processes once in {@code @BeforeAll}; they are closed after all. */
    boolean sharesProcessesAcrossTests() {
        return false;
    }

    @AfterAll
    static void closeLeftovers() {
        Cleanup.closeAll();
    }

    ServerProcess.Builder server(int index) {
        return ServerProcess.builder(testName, index);
    }

    /**
     * A server on the redis rate-limit store at {@code redisUrl} with the default limit {@code limit} (e.g.
     * {@code 50/1h}) and the API keys {@code apiKeys}; every other rate-limit setting is the default a user gets.
     */
    ServerProcess.Builder redisLimitedServer(int index, String redisUrl, String limit, String apiKeys) {
        return server(index)
                .env("TWISTERLAB_RATELIMIT_STORE", "redis")
                .env("TWISTERLAB_REDIS_URL", redisUrl)
                .env("TWISTERLAB_RATELIMIT_DEFAULT", limit)
                .env("TWISTERLAB_API_KEYS", apiKeys);
    }

    /** Starts every process first (they boot in parallel), then waits for each to be ready. */
    static List<ServerProcess> startAll(List<ServerProcess.Builder> builders) {
        List<ServerProcess> started = new ArrayList<>();
        for (ServerProcess.Builder b : builders) {
            started.add(b.start());
        }
        started.forEach(ServerProcess::awaitReady);
        return started;
    }

    static RedisServerProcess startRedis() {
        return Cleanup.register(RedisServerProcess.start());
    }

    /** One request's outcome. */
    record Outcome(int index, int status, long nanos, HttpHeaders headers, String body, String contentType) {
        static Outcome of(int index, long startNanos, HttpResponse<String> r) {
            return new Outcome(index, r.statusCode(), System.nanoTime() - startNanos, r.headers(), r.body(),
                    Http.contentType(r));
        }

        long millis() {
            return nanos / 1_000_000;
        }
    }

    /** Runs {@code count} tasks on a fixed pool of {@code threads}; every task's failure fails the call. */
    static List<Outcome> runConcurrently(int threads, int count, IntFunction<Outcome> task) {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Outcome>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int n = i;
                futures.add(pool.submit(() -> task.apply(n)));
            }
            List<Outcome> out = new ArrayList<>();
            for (Future<Outcome> f : futures) {
                out.add(f.get(5, TimeUnit.MINUTES));
            }
            return out;
        } catch (ExecutionException e) {
            throw new AssertionError("a request failed: " + e.getCause(), e.getCause());
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            pool.shutdownNow();
        }
    }
}
