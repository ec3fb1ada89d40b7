package io.twisterlab.bench;

import io.twisterlab.ratelimit.redis.RedisServerProcess;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The HTTP harness (a main): {@code wrk} against the packaged server ({@code twisterlab-server.jar}), one server
 * process per mode, all started up front and measured in interleaved rounds so that machine noise hits every mode
 * alike:
 * <ul>
 *   <li>{@code off}: rate limiting disabled — the reference;</li>
 *   <li>{@code memory} / {@code redis}: rate limiting on, limit never reached (1,000,000/1s);</li>
 *   <li>{@code redis-unbatched}: as {@code redis} with {@code TWISTERLAB_RATELIMIT_REDIS_MAX_BATCH=1} (one script
 *       call per decision, no coalescing);</li>
 *   <li>{@code memory-429} / {@code redis-429}: limit always exceeded (1/1h): every request after the first gets a
 *       429 with its headers and problem body.</li>
 * </ul>
 * Endpoint: {@code GET /api/v1/agents} (rate limited), auth disabled (loopback only, so the subject is the client IP),
 * log level WARN (no access log line per request). Reported: requests/s median (min–max over rounds), p50/p99
 * latency, non-2xx count, and the ratio to {@code off}.
 *
 * <pre>
 * java -cp twisterlab-bench/target/benchmarks.jar io.twisterlab.bench.HttpHarness \
 *     [--server-jar twisterlab-server/target/twisterlab-server.jar] [--rounds 5] [--seconds 5] [--warmup 10]
 *     [--connections 32]
 * </pre>
 * Needs {@code wrk} on {@code PATH} ({@code apt-get install -y wrk}); says so and exits 3 otherwise.
 */
public final class HttpHarness {

    private static final String PATH = "/api/v1/agents";

    private HttpHarness() {
    }

    /** One server under test. */
    private record Mode(String name, Map<String, String> env) {
    }

    /** One wrk run. */
    record Sample(double requestsPerSecond, double p50Micros, double p99Micros, long non2xx, long requests) {
    }

    /**
     * @param args see the class documentation
     * @throws Exception on any failure (the harness is a tool, not a library)
     */
    public static void main(String[] args) throws Exception {
        Path jar = Path.of("twisterlab-server/target/twisterlab-server.jar");
        int rounds = 3;
        double seconds = 5;
        int connections = 32;
        double warmup = 10;
        @Nullable Path out = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--server-jar" -> jar = Path.of(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                case "--connections" -> connections = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Double.parseDouble(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Optional<Path> wrk = Executables.onPath("wrk");
        if (wrk.isEmpty()) {
            System.err.println("[http-harness] wrk NOT FOUND on PATH: install it (apt-get install -y wrk); nothing measured");
            System.exit(3);
        }
        if (!Files.isRegularFile(jar)) {
            System.err.println("[http-harness] server jar NOT FOUND: " + jar
                    + " (./mvnw -B -pl twisterlab-server -am package -DskipTests); nothing measured");
            System.exit(3);
        }
        String report;
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            report = run(wrk.get(), jar, redis.uri(), rounds, seconds, connections, warmup);
        }
        System.out.println(report);
        if (out != null) {
            Files.writeString(out, report, StandardCharsets.UTF_8);
        }
        System.exit(0);
    }

    private static String run(Path wrk, Path jar, String redisUri, int rounds, double seconds, int connections,
                              double warmup) throws IOException, InterruptedException {
        String never = "1000000/1s";
        String always = "1/1h";
        List<Mode> modes = List.of(
                new Mode("off", Map.of("TWISTERLAB_RATELIMIT_ENABLED", "false")),
                new Mode("memory", Map.of("TWISTERLAB_RATELIMIT_STORE", "memory", "TWISTERLAB_RATELIMIT_DEFAULT", never)),
                new Mode("redis", Map.of("TWISTERLAB_RATELIMIT_STORE", "redis", "TWISTERLAB_RATELIMIT_DEFAULT", never,
                        "TWISTERLAB_REDIS_URL", redisUri, "TWISTERLAB_RATELIMIT_FAILURE_POLICY", "fail-closed")),
                new Mode("redis-unbatched", Map.of("TWISTERLAB_RATELIMIT_STORE", "redis", "TWISTERLAB_RATELIMIT_DEFAULT",
                        never, "TWISTERLAB_REDIS_URL", redisUri, "TWISTERLAB_RATELIMIT_FAILURE_POLICY", "fail-closed",
                        "TWISTERLAB_RATELIMIT_REDIS_MAX_BATCH", "1")),
                new Mode("memory-429", Map.of("TWISTERLAB_RATELIMIT_STORE", "memory", "TWISTERLAB_RATELIMIT_DEFAULT", always)),
                new Mode("redis-429", Map.of("TWISTERLAB_RATELIMIT_STORE", "redis", "TWISTERLAB_RATELIMIT_DEFAULT", always,
                        "TWISTERLAB_REDIS_URL", redisUri, "TWISTERLAB_RATELIMIT_FAILURE_POLICY", "fail-closed")));
        Map<String, Process> servers = new LinkedHashMap<>();
        Map<String, String> urls = new LinkedHashMap<>();
        Map<String, List<Sample>> samples = new LinkedHashMap<>();
        try {
            for (Mode m : modes) {
                int port = freePort();
                Map<String, String> env = new LinkedHashMap<>(m.env());
                env.put("TWISTERLAB_PORT", Integer.toString(port));
                env.put("TWISTERLAB_HOST", "127.0.0.1");
                env.put("TWISTERLAB_AUTH", "disabled");
                env.put("TWISTERLAB_LOG_LEVEL", "WARN");
                Path log = Files.createTempFile("twisterlab-server-" + m.name() + "-", ".log");
                ProcessBuilder pb = new ProcessBuilder("java", "-jar", jar.toString())
                        .redirectErrorStream(true).redirectOutput(log.toFile());
                pb.environment().putAll(env);
                servers.put(m.name(), pb.start());
                String base = "http://127.0.0.1:" + port;
                awaitHealthy(base, servers.get(m.name()), log);
                urls.put(m.name(), base + PATH);
                samples.put(m.name(), new ArrayList<>());
                System.err.println("[http-harness] " + m.name() + " up on " + base + " (log " + log + ")");
            }
            for (Map.Entry<String, String> e : urls.entrySet()) {
                wrk(wrk, e.getValue(), Math.max(1, warmup), connections); // warm-up (JIT, pools)
            }
            for (int r = 0; r < rounds; r++) {
                for (Map.Entry<String, String> e : urls.entrySet()) {
                    Sample s = wrk(wrk, e.getValue(), seconds, connections);
                    samples.get(e.getKey()).add(s);
                    System.err.printf(Locale.ROOT, "[http-harness] round %d %-10s %,10.0f req/s, non-2xx %d%n",
                            r + 1, e.getKey(), s.requestsPerSecond(), s.non2xx());
                }
            }
        } finally {
            for (Process p : servers.values()) {
                p.destroy();
            }
            for (Process p : servers.values()) {
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
        // Warm-up was one wrk run of --warmup seconds per server before the rounds: the JIT of five JVMs on two cores
        // needs it; 3-second warm-ups showed throughput still climbing from round to round.
        return markdown(samples, rounds, seconds, connections);
    }

    static String markdown(Map<String, List<Sample>> samples, int rounds, double seconds, int connections) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "wrk -t1 -c%d -d%ss, %d interleaved rounds, GET %s%n%n",
                connections, fmt(seconds), rounds, PATH));
        sb.append("| mode | req/s median (min–max) | p50 ms | p99 ms | non-2xx share | ÷ off (min–max) | ÷ off, paired by round: median (min–max) |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|\n");
        List<Sample> off = samples.get("off");
        for (Map.Entry<String, List<Sample>> e : samples.entrySet()) {
            List<Sample> s = e.getValue();
            double[] rps = s.stream().mapToDouble(Sample::requestsPerSecond).sorted().toArray();
            double[] offRps = off.stream().mapToDouble(Sample::requestsPerSecond).sorted().toArray();
            double median = median(rps);
            String ratio = e.getKey().equals("off") ? "1.00×" : String.format(Locale.ROOT, "%.2f× (%.2f–%.2f)",
                    median / median(offRps), rps[0] / offRps[offRps.length - 1], rps[rps.length - 1] / offRps[0]);
            double[] paired = new double[Math.min(s.size(), off.size())];
            for (int i = 0; i < paired.length; i++) {
                paired[i] = s.get(i).requestsPerSecond() / off.get(i).requestsPerSecond();
            }
            java.util.Arrays.sort(paired);
            String pairedText = paired.length == 0 ? "" : String.format(Locale.ROOT, "%.2f× (%.2f–%.2f)",
                    median(paired), paired[0], paired[paired.length - 1]);
            long non2xx = s.stream().mapToLong(Sample::non2xx).sum();
            long requests = s.stream().mapToLong(Sample::requests).sum();
            sb.append(String.format(Locale.ROOT, "| %s | %,.0f (%,.0f–%,.0f) | %.2f | %.2f | %.3f | %s | %s |%n", e.getKey(),
                    median, rps[0], rps[rps.length - 1],
                    median(s.stream().mapToDouble(Sample::p50Micros).sorted().toArray()) / 1e3,
                    median(s.stream().mapToDouble(Sample::p99Micros).sorted().toArray()) / 1e3,
                    requests == 0 ? 0 : non2xx / (double) requests, ratio, pairedText));
        }
        return sb.toString();
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern TOTAL = Pattern.compile("(\\d+) requests in");
    private static final Pattern NON2XX = Pattern.compile("Non-2xx or 3xx responses:\\s+(\\d+)");
    private static final Pattern PCT = Pattern.compile("^\\s+(50|99)(?:\\.000)?%\\s+([0-9.]+)(us|ms|s)\\s*$", Pattern.MULTILINE);

    static Sample parseWrk(String output) {
        Matcher rps = RPS.matcher(output);
        Matcher total = TOTAL.matcher(output);
        if (!rps.find() || !total.find()) {
            throw new IllegalStateException("unexpected wrk output:\n" + output);
        }
        Matcher non = NON2XX.matcher(output);
        long non2xx = non.find() ? Long.parseLong(non.group(1)) : 0;
        double p50 = 0;
        double p99 = 0;
        Matcher pct = PCT.matcher(output);
        while (pct.find()) {
            double v = Double.parseDouble(pct.group(2));
            double micros = switch (pct.group(3)) {
                case "us" -> v;
                case "ms" -> v * 1e3;
                default -> v * 1e6;
            };
            if (pct.group(1).equals("50")) {
                p50 = micros;
            } else {
                p99 = micros;
            }
        }
        return new Sample(Double.parseDouble(rps.group(1)), p50, p99, non2xx, Long.parseLong(total.group(1)));
    }

    private static Sample wrk(Path wrk, String url, double seconds, int connections)
            throws IOException, InterruptedException {
        Process p = new ProcessBuilder(wrk.toString(), "-t1", "-c" + connections, "-d" + (long) Math.ceil(seconds) + "s", "--latency", url)
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("wrk failed:\n" + output);
        }
        return parseWrk(output);
    }

    private static void awaitHealthy(String base, Process server, Path log) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new IllegalStateException("server exited with " + server.exitValue() + ":\n" + Files.readString(log));
            }
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create(base + "/health").toURL().openConnection();
                c.setConnectTimeout(500);
                c.setReadTimeout(2000);
                if (c.getResponseCode() == 200) {
                    c.disconnect();
                    return;
                }
                c.disconnect();
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("server not healthy within 90 s:\n" + Files.readString(log));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
