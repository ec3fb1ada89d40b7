package io.twisterlab.agents.database;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The default agent in a JVM with a 128 MiB heap, as a user gets it: without the heap guard, the unbounded
 * recursive query exhausts the heap long before its default 30 s timeout. With it, the query fails cleanly and
 * the server, the database and its health survive. The default collector, then the two others a small server
 * may get.
 */
class DatabaseAgentHeapIT {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"", "-XX:+UseSerialGC", "-XX:+UseParallelGC"})
    void anUnboundedRecursiveQueryFailsCleanlyAndTheServerSurvives(String collector) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx128m"));
        if (!collector.isEmpty()) {
            command.add(collector);
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), HeapExhaustionMain.class.getName()));
        File output = dir.resolve("output.txt").toFile();
        Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output).start();
        try {
            assertThat(child.waitFor(120, TimeUnit.SECONDS)).as("the child finished").isTrue();
            String out = Files.readString(output.toPath(), StandardCharsets.UTF_8);
            assertThat(out).as(out).contains("recursive=query_memory_exceeded", "select1=true", "health=HEALTHY")
                    .doesNotContain("OutOfMemoryError", "Out of memory");
            assertThat(child.exitValue()).as(out).isZero();
        } finally {
            child.destroyForcibly();
        }
    }
}
