package io.twisterlab.bench;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.lettuce.core.event.command.CommandListener;
import io.lettuce.core.event.command.CommandStartedEvent;
import io.twisterlab.ratelimit.Decision;
import io.twisterlab.ratelimit.Limit;
import io.twisterlab.ratelimit.redis.RedisClusterProcess;
import io.twisterlab.ratelimit.redis.RedisServerProcess;
import io.twisterlab.ratelimit.redis.RedisStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;

/**
 * The Redis harness (a main, not a unit test): decisions per second and p50/p99 latency with 1, 16 and 64 concurrent
 * callers against one local {@code redis-server} and, with {@code --cluster N}, in the same run against a local Redis
 * Cluster of N masters (or against the {@code redis://} or {@code redis-cluster://} given by {@code --uri}), for
 * <ul>
 *   <li><b>twisterlab</b>: our {@code RedisStore} on one Lettuce connection (concurrent decisions coalesced into
 *       shared script calls, the default);</li>
 *   <li><b>twisterlab unbatched</b>: the same with {@code maxBatchSize(1)}, one {@code EVALSHA} per decision, on its
 *       own connection;</li>
 *   <li><b>bucket4j</b>: Bucket4j's Lettuce compare-and-swap proxy manager on one Lettuce connection;</li>
 *   <li><b>reference</b>: {@code redis-benchmark -P 16} sending the very same GCRA script ({@code EVALSHA} with its
 *       SHA-1) — the physical ceiling of this machine, written in C, pipelined.</li>
 * </ul>
 * Scenarios: spread keys (uniform over {@code --keys} subjects) at each caller count; two limits per decision; one hot
 * key. Round trips per decision are counted twice: client-side (Lettuce {@link CommandListener}: commands sent per
 * decision) and server-side ({@code INFO commandstats} deltas per decision, which also count the {@code GET}/{@code SET}
 * run <em>inside</em> scripts), summed over the masters, with each master's share of the script calls. The limits
 * are never reached (every decision writes); a decision the store could not get from Redis (its failure policy
 * decided) is a store error, reported per row. On a cluster, our store makes one script call per decision (subjects
 * live in different slots, so nothing is coalesced: the unbatched row would be the same and is not run), and
 * {@code redis-benchmark --cluster} spreads its clients over the masters.
 *
 * <p>Callers are platform threads each calling the blocking API in a loop; latency is measured around that call.
 *
 * <pre>
 * java -cp twisterlab-bench/target/benchmarks.jar io.twisterlab.bench.RedisHarness            # starts redis-server
 * java -cp ... io.twisterlab.bench.RedisHarness --uri redis://127.0.0.1:6379 --warmup 3 --seconds 5 --callers 1,16,64
 * java -cp ... io.twisterlab.bench.RedisHarness --cluster 3 --rounds 2       # single Redis and a 3-master cluster
 * java -cp ... io.twisterlab.bench.RedisHarness --uri redis-cluster://10.0.0.1:6379,10.0.0.2:6379
 * java -cp ... io.twisterlab.bench.RedisHarness --smoke                                      # seconds, tiny counts
 * </pre>
 * Without {@code --uri}, the harness starts {@code redis-server} the way the tests do ({@code RedisServerProcess}: the
 * binary shipped in {@code embedded-redis}, or the one {@code TWISTERLAB_TEST_REDIS_SERVER} names), and so does
 * {@code --cluster} ({@code RedisClusterProcess}). Without {@code redis-benchmark} on {@code PATH}, reference rows say
 * {@code redis-benchmark NOT FOUND} (install {@code redis-tools}) — nothing is silently skipped.
 */
public final class RedisHarness {

    /** Harness settings. */
    public record Options(@Nullable String uri, double warmupSeconds, double measureSeconds, int[] callers, int keys,
                          long referenceCalibration, @Nullable Path out, List<String> peers,
                          int rounds, int ourConnections, int clusterMasters) {

        /** Validates. */
        public Options {
            if (clusterMasters < 0 || rounds < 1 || ourConnections < 1 || keys < 1 || callers.length == 0) {
                throw new IllegalArgumentException("--cluster must be at least 0; --rounds, --our-connections, "
                        + "--keys and every caller count at least 1");
            }
        }

        /** @return settings for a run of a few seconds that only checks everything works */
        public static Options smoke() {
            return new Options(null, 0.2, 0.3, new int[] {1, 4}, 100, 200, null, ALL_PEERS, 1, 1, 0);
        }

        /**
         * @param masters masters of a local Redis Cluster to measure next to the single Redis (0: none)
         * @return these settings with that cluster
         */
        public Options withCluster(int masters) {
            return new Options(uri, warmupSeconds, measureSeconds, callers, keys, referenceCalibration, out, peers,
                    rounds, ourConnections, masters);
        }

        /**
         * @param names peers as named in {@code --peers}
         * @return these settings with only those peers
         */
        public Options withPeers(List<String> names) {
            return new Options(uri, warmupSeconds, measureSeconds, callers, keys, referenceCalibration, out, names,
                    rounds, ourConnections, clusterMasters);
        }

        static Options parse(String[] args) {
            String uri = null;
            double warmup = 3;
            double seconds = 5;
            int[] callers = {1, 16, 64};
            int keys = 100_000;
            long calibration = 50_000;
            Path out = null;
            List<String> peers = ALL_PEERS;
            int rounds = 1;
            int ourConnections = 1;
            int clusterMasters = 0;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--smoke" -> {
                        Options s = smoke();
                        warmup = s.warmupSeconds;
                        seconds = s.measureSeconds;
                        callers = s.callers;
                        keys = s.keys;
                        calibration = s.referenceCalibration;
                    }
                    case "--uri" -> uri = args[++i];
                    case "--warmup" -> warmup = Double.parseDouble(args[++i]);
                    case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                    case "--callers" -> callers = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                    case "--keys" -> keys = Integer.parseInt(args[++i]);
                    case "--out" -> out = Path.of(args[++i]);
                    case "--peers" -> peers = List.of(args[++i].split(","));
                    case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                    case "--our-connections" -> ourConnections = Integer.parseInt(args[++i]);
                    case "--cluster" -> clusterMasters = Integer.parseInt(args[++i]);
                    default -> throw new IllegalArgumentException("unknown option " + a
                            + " (expected --uri, --cluster, --warmup, --seconds, --callers, --keys, --out, --peers, "
                            + "--rounds, --our-connections, --smoke)");
                }
            }
            return new Options(uri, warmup, seconds, callers, keys, calibration, out, peers, rounds, ourConnections,
                    clusterMasters);
        }
    }

    /**
     * One measured (target, scenario, peer, callers).
     *
     * @param target       {@code redis} or {@code cluster, N masters}
     * @param masterShares per master (port order), its share of the script calls ({@code EVALSHA} and {@code EVAL})
     *                     during the measurement; one element on a single Redis
     * @param degraded     decisions the store could not get from Redis (decided by its failure policy): store errors
     */
    public record Result(String target, String scenario, String peer, int callers, long decisions, double perSecond,
                         double p50Micros, double p99Micros, double clientCommandsPerDecision,
                         Map<String, Double> serverCallsPerDecision, List<Double> masterShares, long denied,
                         long degraded, String note, double perSecondMin, double perSecondMax, List<Double> perRound) {

        Result(String target, String scenario, String peer, int callers, long decisions, double perSecond,
               double p50Micros, double p99Micros, double clientCommandsPerDecision,
               Map<String, Double> serverCallsPerDecision, List<Double> masterShares, long denied, long degraded,
               String note) {
            this(target, scenario, peer, callers, decisions, perSecond, p50Micros, p99Micros, clientCommandsPerDecision,
                    serverCallsPerDecision, masterShares, denied, degraded, note, perSecond, perSecond,
                    List.of(perSecond));
        }

        static Result missing(String target, String scenario, String peer, int callers, String note) {
            return new Result(target, scenario, peer, callers, 0, 0, 0, 0, 0, Map.of(), List.of(), 0, 0, note);
        }

        /** @return whether this row was measured (false when redis-benchmark is missing or cannot run it) */
        public boolean measured() {
            return decisions > 0;
        }
    }

    /** Decides for one subject, blocking. */
    private interface Decider {
        /** @return 0 allowed, 1 denied, 2 degraded (decided by a failure policy, not Redis) */
        int decide(String subject);
    }

    private static final String HOT = "hot";
    /**
     * Every peer, as named in {@code --peers}: {@code twisterlab}, {@code twisterlab-unbatched} (the same store with
     * {@code maxBatchSize(1)}: one script call per decision), {@code bucket4j}, {@code reference}.
     */
    static final List<String> ALL_PEERS = List.of("twisterlab", "twisterlab-unbatched", "bucket4j", "reference");
    private static final Limit FIRST_LIMIT = Peers.limit(Peers.Regime.OPEN, "bench");
    private static final Limit SECOND_LIMIT =
            Limit.builder("bench2").permits(10 * Peers.OPEN_RATE).per(Duration.ofSeconds(10)).burst(Peers.OPEN_BURST).build();

    private final Options options;
    private final RedisTarget target;
    private final CommandCounter counter;
    /** The SHA-1 of the store's own script, loaded on every master for {@code redis-benchmark}. */
    private final String scriptSha;

    private RedisHarness(Options options, RedisTarget target, CommandCounter counter) {
        this.options = options;
        this.target = target;
        this.counter = counter;
        this.scriptSha = target.scriptLoad(RedisStore.scriptSource());
    }

    /**
     * @param args see the class documentation
     * @throws IOException if the report cannot be written
     */
    public static void main(String[] args) throws IOException {
        Options options = Options.parse(args);
        List<Result> results = run(options);
        String report = RedisReport.markdown(results);
        System.out.println(report);
        if (options.out() != null) {
            Files.writeString(options.out(), report, StandardCharsets.UTF_8);
        }
        System.exit(0);
    }

    /**
     * Runs every scenario on each target: the {@code --uri} (one node or a cluster), else a redis-server it starts;
     * then, with {@code --cluster N}, a local Redis Cluster of N masters it starts too.
     *
     * @param options the settings
     * @return the results, in order: every row of the first target, then every row of the cluster
     */
    public static List<Result> run(Options options) {
        try (RedisServerProcess redis = options.uri() == null ? RedisServerProcess.start() : null;
             RedisClusterProcess cluster = options.clusterMasters() > 0
                     ? RedisClusterProcess.start(options.clusterMasters()) : null) {
            List<String> uris = new ArrayList<>();
            uris.add(redis == null ? Objects.requireNonNull(options.uri()) : redis.uri());
            if (cluster != null) {
                uris.add(cluster.seedUri());
            }
            return rounds(options, uris);
        }
    }

    /**
     * Runs the whole scenario list on every target {@code rounds} times (interleaving peers and targets over time),
     * then takes medians.
     */
    private static List<Result> rounds(Options options, List<String> uris) {
        List<List<Result>> all = new ArrayList<>();
        for (int r = 0; r < options.rounds(); r++) {
            System.err.println("[redis-harness] round " + (r + 1) + "/" + options.rounds());
            List<Result> round = new ArrayList<>();
            for (String uri : uris) {
                CommandCounter counter = new CommandCounter();
                try (RedisTarget target = RedisTarget.connect(uri, counter)) {
                    System.err.println("[redis-harness] " + target.label() + " (redis " + target.version() + ")");
                    round.addAll(new RedisHarness(options, target, counter).runAll());
                }
            }
            all.add(round);
        }
        if (all.size() == 1) {
            return all.get(0);
        }
        List<Result> merged = new ArrayList<>();
        for (int i = 0; i < all.get(0).size(); i++) {
            int k = i;
            List<Result> same = all.stream().map(l -> l.get(k)).toList();
            Result first = same.get(0);
            double[] rps = same.stream().mapToDouble(Result::perSecond).sorted().toArray();
            merged.add(new Result(first.target(), first.scenario(), first.peer(), first.callers(),
                    same.stream().mapToLong(Result::decisions).sum(), median(rps),
                    median(same.stream().mapToDouble(Result::p50Micros).sorted().toArray()),
                    median(same.stream().mapToDouble(Result::p99Micros).sorted().toArray()),
                    median(same.stream().mapToDouble(Result::clientCommandsPerDecision).sorted().toArray()),
                    first.serverCallsPerDecision(), first.masterShares(),
                    same.stream().mapToLong(Result::denied).sum(), same.stream().mapToLong(Result::degraded).sum(),
                    first.note(), rps[0], rps[rps.length - 1],
                    same.stream().map(Result::perSecond).toList()));
        }
        return merged;
    }

    static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private List<Result> runAll() {
        Optional<Path> redisBenchmark = Executables.onPath("redis-benchmark");
        System.err.println("[redis-harness] redis-benchmark: " + redisBenchmark.map(Path::toString)
                .orElse("NOT FOUND on PATH: the reference rows will be marked missing (apt-get install -y redis-tools)"));
        List<Result> results = new ArrayList<>();
        List<Limit> one = List.of(FIRST_LIMIT);
        List<Limit> two = List.of(FIRST_LIMIT, SECOND_LIMIT);
        int max = Arrays.stream(options.callers()).max().orElse(1);
        // Experiment (--our-connections n): our store spread over n connections (n event-loop threads), each caller
        // thread always using the same one. Default 1: one connection, like Bucket4j here. Every store and
        // connection is closed with the target.
        RedisStore[] stores = new RedisStore[options.ourConnections()];
        for (int i = 0; i < stores.length; i++) {
            stores[i] = target.store(RedisStore.DEFAULT_MAX_BATCH_SIZE);
        }
        BucketConfiguration b4jOne = Peers.bucket4jConfig(Peers.Regime.OPEN);
        BucketConfiguration b4jTwo = BucketConfiguration.builder()
                .addLimit(l -> l.capacity(Peers.OPEN_BURST).refillGreedy(Peers.OPEN_RATE, Duration.ofSeconds(1)))
                .addLimit(l -> l.capacity(Peers.OPEN_BURST).refillGreedy(10 * Peers.OPEN_RATE, Duration.ofSeconds(10)))
                .build();
        List<String> peers = options.peers();
        // the JVM peers, in row order: name in --peers, name in the table, deciders for one and two limits
        List<JavaPeer> javaPeers = new ArrayList<>();
        if (peers.contains("twisterlab")) {
            javaPeers.add(new JavaPeer("twisterlab", spread(stores, one), spread(stores, two)));
        }
        // On Cluster the store never coalesces (subjects live in different slots): "unbatched" would be the same row
        if (peers.contains("twisterlab-unbatched") && !target.cluster()) {
            RedisStore unbatched = target.store(1);
            javaPeers.add(new JavaPeer("twisterlab unbatched", oursDecider(unbatched, one), oursDecider(unbatched, two)));
        }
        if (peers.contains("bucket4j")) {
            ProxyManager<String> proxies = target.bucket4j();
            javaPeers.add(new JavaPeer("bucket4j CAS", bucket4jDecider(proxies, b4jOne), bucket4jDecider(proxies, b4jTwo)));
        }
        boolean refRows = peers.contains("reference");
        for (int c : options.callers()) {
            for (JavaPeer p : javaPeers) {
                results.add(measure("spread keys, 1 limit", p.label(), c, false, p.one()));
            }
            if (refRows) {
                results.add(reference("spread keys, 1 limit", c, false, 1, redisBenchmark));
            }
        }
        for (JavaPeer p : javaPeers) {
            results.add(measure("spread keys, 2 limits", p.label(), max, false, p.two()));
        }
        if (refRows) {
            results.add(reference("spread keys, 2 limits", max, false, 2, redisBenchmark));
        }
        for (JavaPeer p : javaPeers) {
            results.add(measure("hot key, 1 limit", p.label(), max, true, p.one()));
        }
        if (refRows) {
            results.add(reference("hot key, 1 limit", max, true, 1, redisBenchmark));
        }
        return results;
    }

    /** A peer measured in this JVM. */
    private record JavaPeer(String label, Decider one, Decider two) {
    }

    private static Decider spread(RedisStore[] stores, List<Limit> limits) {
        if (stores.length == 1) {
            return oursDecider(stores[0], limits);
        }
        Decider[] deciders = new Decider[stores.length];
        for (int i = 0; i < stores.length; i++) {
            deciders[i] = oursDecider(stores[i], limits);
        }
        return subject -> deciders[(int) (Thread.currentThread().getId() % deciders.length)].decide(subject);
    }

    private static Decider oursDecider(RedisStore store, List<Limit> limits) {
        return subject -> {
            Decision d = store.decide(subject, 1, limits);
            return d.degraded() ? 2 : d.allowed() ? 0 : 1;
        };
    }

    private static Decider bucket4jDecider(ProxyManager<String> proxies, BucketConfiguration config) {
        ConcurrentHashMap<String, BucketProxy> buckets = new ConcurrentHashMap<>();
        String tag = Integer.toString(config.getBandwidths().length);
        return subject -> {
            BucketProxy b = buckets.get(subject);
            if (b == null) {
                b = buckets.computeIfAbsent(subject, s -> proxies.builder().build("b4j:" + tag + ":" + s, () -> config));
            }
            return b.tryConsumeAndReturnRemaining(1).isConsumed() ? 0 : 1;
        };
    }

    private Result measure(String scenario, String peer, int callers, boolean hot, Decider decider) {
        target.flushAll();
        Worker[] workers = new Worker[callers];
        String[] subjects = KeySequence.of(options.keys(), KeySequence.Distribution.UNIFORM, 1, 0).subjects();
        for (int i = 0; i < callers; i++) {
            workers[i] = new Worker(decider, hot ? null : KeySequence.uniform(subjects, 1 << 14, 1000L + i));
            workers[i].setDaemon(true);
            workers[i].start();
        }
        sleep(options.warmupSeconds());
        List<Map<String, Long>> before = target.commandStats();
        long clientBefore = counter.commands.sum();
        long start = System.nanoTime();
        for (Worker w : workers) {
            w.measuring = true;
        }
        sleep(options.measureSeconds());
        for (Worker w : workers) {
            w.measuring = false;
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        long clientCommands = counter.commands.sum() - clientBefore;
        List<Map<String, Long>> after = target.commandStats();
        Histogram all = new Histogram(3);
        long decisions = 0;
        long denied = 0;
        long degraded = 0;
        for (Worker w : workers) {
            w.stop = true;
        }
        for (Worker w : workers) {
            try {
                w.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            if (w.failure != null) {
                throw new IllegalStateException(peer + " failed in '" + scenario + "' on " + target.label(), w.failure);
            }
            all.add(w.latencies);
            decisions += w.decisions;
            denied += w.denied;
            degraded += w.degraded;
        }
        System.err.printf(Locale.ROOT, "[redis-harness] %-18s %-22s %-20s %3d callers: %,10.0f decisions/s%n",
                target.label(), scenario, peer, callers, decisions / elapsed);
        return new Result(target.label(), scenario, peer, callers, decisions, decisions / elapsed,
                all.getValueAtPercentile(50) / 1e3, all.getValueAtPercentile(99) / 1e3,
                decisions == 0 ? 0 : clientCommands / (double) decisions, perDecision(before, after, decisions),
                scriptShares(before, after), denied, degraded, "");
    }

    private Result reference(String scenario, int callers, boolean hot, int limits, Optional<Path> binary) {
        String peer = "redis-benchmark -P 16";
        if (binary.isEmpty()) {
            return Result.missing(target.label(), scenario, peer, callers,
                    "redis-benchmark NOT FOUND on PATH (apt-get install -y redis-tools)");
        }
        Optional<String> routing = target.redisBenchmarkKey(hot);
        if (routing.isEmpty()) {
            return Result.missing(target.label(), scenario, peer, callers,
                    "not run: redis-benchmark --cluster sends each client to its own master, so one hot key has no equivalent");
        }
        target.flushAll();
        List<String> command = new ArrayList<>(List.of(binary.get().toString()));
        command.addAll(target.redisBenchmarkTarget());
        command.addAll(List.of("-c", Integer.toString(callers), "-P", "16", "--csv"));
        if (!hot) {
            command.addAll(List.of("-r", Integer.toString(options.keys())));
        }
        List<String> script = new ArrayList<>(List.of("EVALSHA", scriptSha, Integer.toString(limits)));
        script.add("rb:" + routing.get() + ":bench");
        if (limits == 2) {
            script.add("rb:" + routing.get() + ":bench2");
        }
        // one decision per call, as the script's ARGV says: time override, TTL padding, cost, limit count, then
        // per limit its emission interval (µs) and burst
        script.addAll(List.of("", "0", "1", Integer.toString(limits)));
        for (Limit l : limits == 2 ? List.of(FIRST_LIMIT, SECOND_LIMIT) : List.of(FIRST_LIMIT)) {
            script.addAll(List.of(Long.toString(l.emissionIntervalMicros()), Long.toString(l.burst())));
        }
        // whole pipelines for every client: redis-benchmark --cluster can abort ("All clients disconnected") on a
        // partial last pipeline
        long batch = 16L * callers;
        long calibration = Math.max(batch, options.referenceCalibration() / batch * batch);
        double calibrated = RedisBenchmarkRun.run(command, calibration, script)[0];
        long n = Math.max(calibration, (long) (calibrated * options.measureSeconds()) / batch * batch);
        List<Map<String, Long>> before = target.commandStats();
        double[] r = RedisBenchmarkRun.run(command, n, script);
        List<Map<String, Long>> after = target.commandStats();
        System.err.printf(Locale.ROOT, "[redis-harness] %-18s %-22s %-20s %3d callers: %,10.0f decisions/s%n",
                target.label(), scenario, peer, callers, r[0]);
        return new Result(target.label(), scenario, peer, callers, n, r[0], r[1] * 1e3, r[2] * 1e3, 1.0 / 16,
                perDecision(before, after, n), scriptShares(before, after), 0, 0,
                "pipelined: 16 commands per round trip");
    }

    /** @return every command's calls per decision, summed over the masters */
    private static Map<String, Double> perDecision(List<Map<String, Long>> before, List<Map<String, Long>> after,
                                                   long decisions) {
        Map<String, Double> out = new LinkedHashMap<>();
        Map<String, Long> deltas = new TreeMap<>();
        for (int m = 0; m < after.size(); m++) {
            Map<String, Long> was = before.get(m);
            after.get(m).forEach((name, calls) -> deltas.merge(name, calls - was.getOrDefault(name, 0L), Long::sum));
        }
        for (Map.Entry<String, Long> e : deltas.entrySet()) {
            String name = e.getKey();
            if (name.equals("info") || name.equals("flushall") || name.equals("config") || name.equals("script")
                    || name.equals("cluster") || name.equals("client") || name.equals("hello")
                    || name.equals("command")) {
                continue;
            }
            if (e.getValue() > 0 && decisions > 0) {
                out.put(name, e.getValue() / (double) decisions);
            }
        }
        return out;
    }

    /** @return per master, its share of the script calls ({@code evalsha} + {@code eval}) between the snapshots */
    private static List<Double> scriptShares(List<Map<String, Long>> before, List<Map<String, Long>> after) {
        long[] calls = new long[after.size()];
        long total = 0;
        for (int m = 0; m < calls.length; m++) {
            for (String name : List.of("evalsha", "eval")) {
                calls[m] += after.get(m).getOrDefault(name, 0L) - before.get(m).getOrDefault(name, 0L);
            }
            total += calls[m];
        }
        List<Double> shares = new ArrayList<>();
        for (long c : calls) {
            shares.add(total == 0 ? 0 : c / (double) total);
        }
        return shares;
    }

    private static void sleep(double seconds) {
        try {
            Thread.sleep((long) (seconds * 1000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Counts every command Lettuce sends on the harness client (both peers' connections). */
    private static final class CommandCounter implements CommandListener {
        final LongAdder commands = new LongAdder();

        @Override
        public void commandStarted(CommandStartedEvent event) {
            commands.increment();
        }
    }

    /** One caller: decides in a loop, records latency while measuring. */
    private static final class Worker extends Thread {
        private final Decider decider;
        private final @Nullable KeySequence keys;
        final Histogram latencies = new Histogram(3);
        volatile boolean measuring;
        volatile boolean stop;
        long decisions;
        long denied;
        long degraded;
        @Nullable Throwable failure;

        Worker(Decider decider, @Nullable KeySequence keys) {
            super("redis-harness-caller");
            this.decider = decider;
            this.keys = keys;
        }

        @Override
        public void run() {
            try {
                int i = 0;
                while (!stop) {
                    String subject = keys == null ? HOT : keys.at(i++);
                    long t0 = System.nanoTime();
                    int outcome = decider.decide(subject);
                    long dt = System.nanoTime() - t0;
                    if (measuring) {
                        latencies.recordValue(dt);
                        decisions++;
                        if (outcome == 1) {
                            denied++;
                        } else if (outcome == 2) {
                            degraded++;
                        }
                    }
                }
            } catch (Throwable t) {
                failure = t;
            }
        }
    }
}
