package io.twisterlab.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One run of {@code redis-benchmark} (the Redis harness's reference peer) and its {@code --csv} result line.
 *
 * <pre>{@code
 * double[] r = RedisBenchmarkRun.run(List.of("/usr/bin/redis-benchmark", "-p", "6379", "-c", "64", "-P", "16", "--csv"),
 *         100_000, List.of("PING"));   // r[0] requests/s, r[1] p50 ms, r[2] p99 ms
 * }</pre>
 */
final class RedisBenchmarkRun {

    private RedisBenchmarkRun() {
    }

    /**
     * Runs {@code redis-benchmark} once and reads its CSV line.
     *
     * @param base   the binary and its options (target, clients, pipeline, {@code --csv})
     * @param n      total requests ({@code -n})
     * @param script the command to send, with its arguments
     * @return requests per second, p50 ms, p99 ms
     */
    static double[] run(List<String> base, long n, List<String> script) {
        List<String> command = new ArrayList<>(base);
        command.addAll(List.of("-n", Long.toString(n)));
        command.addAll(script);
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IllegalStateException("redis-benchmark failed: " + output);
            }
            // --csv: "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms",...
            // (with --cluster, the masters it found are listed first)
            List<String> lines = Arrays.asList(output.strip().split("\r?\n"));
            String[] header = unquote(lines.stream().filter(l -> l.startsWith("\"test\"")).findFirst().orElse(""));
            String[] row = unquote(lines.get(lines.size() - 1));
            return new double[] {
                Double.parseDouble(row[indexOf(header, "rps")]),
                Double.parseDouble(row[indexOf(header, "p50_latency_ms")]),
                Double.parseDouble(row[indexOf(header, "p99_latency_ms")])};
        } catch (IOException e) {
            throw new IllegalStateException("cannot run redis-benchmark", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (RuntimeException e) {
            throw new IllegalStateException("unexpected redis-benchmark output for " + command, e);
        }
    }

    private static String[] unquote(String csvLine) {
        String[] cells = csvLine.split("\",\"");
        for (int i = 0; i < cells.length; i++) {
            cells[i] = cells[i].replace("\"", "");
        }
        return cells;
    }

    private static int indexOf(String[] header, String column) {
        for (int i = 0; i < header.length; i++) {
            if (header[i].equals(column)) {
                return i;
            }
        }
        throw new IllegalStateException("no column " + column + " in " + Arrays.toString(header));
    }
}
