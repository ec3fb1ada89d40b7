package io.twisterlab.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.twisterlab.core.testing.EchoAgent;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

class ConcurrentRegistryTest {
    private static final int THREADS = 8;

    @Test
    void concurrentRegisterLookupAndExecuteLoseNothing() throws Exception {
        LongAdder listened = new LongAdder();
        try (AgentRegistry registry = AgentRegistry.builder().listener(e -> listened.increment())
                .register(new EchoAgent("stable")).build()) {
            registry.start();
            CyclicBarrier barrier = new CyclicBarrier(THREADS);
            AtomicInteger executions = new AtomicInteger();
            List<Callable<Void>> tasks = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                tasks.add(() -> {
                    barrier.await(10, TimeUnit.SECONDS);
                    for (int i = 0; i < 200; i++) {
                        String name = "agent-" + thread + "-" + i;
                        registry.register(new EchoAgent(name));
                        assertThat(registry.get(name.toUpperCase(Locale.ROOT)).name()).isEqualTo(name);
                        AgentResponse r = registry.execute("Stable_Agent", "echo", Map.of("text", name.substring(0, 7)));
                        assertThat(r.success()).isTrue();
                        executions.incrementAndGet();
                        if (i % 2 == 0) {
                            assertThat(registry.unregister(name)).isPresent();
                        }
                    }
                    return null;
                });
            }
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            try {
                for (Future<Void> f : pool.invokeAll(tasks)) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(registry.agents()).hasSize(1 + THREADS * 100);
            assertThat(registry.agents()).extracting(CoreAgent::name).doesNotHaveDuplicates();
            assertThat(executions.get()).isEqualTo(THREADS * 200);
            assertThat(listened.sum()).isEqualTo(THREADS * 200L);
        }
    }

    @Test
    void racingRegistrationsOfTheSameAliasAdmitExactlyOne() throws Exception {
        try (AgentRegistry registry = AgentRegistry.builder().build()) {
            List<String> names = List.of("cache", "Cache-Agent".toLowerCase(Locale.ROOT), "real-cache", "cache_agent",
                    "cache-", "cache_", "cacheagent", "real_cache");
            CyclicBarrier barrier = new CyclicBarrier(names.size());
            AtomicInteger accepted = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(names.size());
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (String name : names) {
                    futures.add(pool.submit(() -> {
                        barrier.await(10, TimeUnit.SECONDS);
                        try {
                            registry.register(new EchoAgent(name));
                            accepted.incrementAndGet();
                        } catch (AgentRegistrationException expected) {
                            // all but one collide on the alias "cache"
                        }
                        return null;
                    }));
                }
                for (Future<?> f : futures) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(accepted.get()).isEqualTo(1);
            assertThat(registry.agents()).hasSize(1);
        }
    }
}
