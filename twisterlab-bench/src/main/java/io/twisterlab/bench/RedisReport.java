package io.twisterlab.bench;

import io.twisterlab.bench.RedisHarness.Result;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The {@link RedisHarness}'s results as Markdown: one table of every row with the ratios of {@code twisterlab} to its
 * peers on the same target in the same run, then, when a cluster ran next to the single Redis, the cluster ÷ single
 * ratio of every peer (paired by round).
 *
 * <pre>{@code
 * System.out.println(RedisReport.markdown(RedisHarness.run(RedisHarness.Options.smoke().withCluster(3))));
 * }</pre>
 */
final class RedisReport {

    private RedisReport() {
    }

    /**
     * @param results the harness's results, first target's rows first
     * @return the tables
     */
    static String markdown(List<Result> results) {
        StringBuilder sb = new StringBuilder();
        sb.append("| target | scenario | callers | peer | decisions/s median (min–max) | store errors | p50 µs | p99 µs "
                + "| client cmds/decision | server calls/decision (INFO commandstats) | script calls per master "
                + "| twisterlab ÷ peer, throughput (min–max) | paired by round: median (min–max) |\n");
        sb.append("|---|---|---:|---|---:|---:|---:|---:|---:|---|---|---:|---:|\n");
        for (Result r : results) {
            if (!r.measured()) {
                sb.append(String.format(Locale.ROOT, "| %s | %s | %d | %s | %s | | | | | | | | |%n",
                        r.target(), r.scenario(), r.callers(), r.peer(), r.note()));
                continue;
            }
            Optional<Result> ours = results.stream()
                    .filter(o -> o.peer().equals("twisterlab") && o.target().equals(r.target())
                            && o.scenario().equals(r.scenario()) && o.callers() == r.callers())
                    .findFirst();
            boolean compared = ours.isPresent() && !r.peer().equals("twisterlab");
            String ratio = compared ? ratio(ours.get(), r) : "";
            String paired = compared ? paired(ours.get(), r) : "";
            String server = r.serverCallsPerDecision().entrySet().stream()
                    .map(e -> String.format(Locale.ROOT, "%s %.3f", e.getKey(), e.getValue()))
                    .collect(Collectors.joining(", "));
            String denied = r.denied() > 0 ? " (" + r.denied() + " denied)" : "";
            sb.append(String.format(Locale.ROOT,
                    "| %s | %s | %d | %s | %,.0f (%,.0f–%,.0f)%s | %d | %.0f | %.0f | %.3f | %s | %s | %s | %s |%n",
                    r.target(), r.scenario(), r.callers(), r.peer(), r.perSecond(), r.perSecondMin(), r.perSecondMax(),
                    denied, r.degraded(), r.p50Micros(), r.p99Micros(), r.clientCommandsPerDecision(), server,
                    shares(r.masterShares()), ratio, paired));
        }
        String first = results.isEmpty() ? "" : results.get(0).target();
        List<Result> others = results.stream().filter(r -> !r.target().equals(first) && r.measured()).toList();
        if (!others.isEmpty()) {
            sb.append("\nSame peer, same scenario and callers: the other target ÷ ").append(first)
                    .append(", decisions/s\n\n");
            sb.append("| target | scenario | callers | peer | ÷ ").append(first)
                    .append(" (min–max) | paired by round: median (min–max) |\n");
            sb.append("|---|---|---:|---|---:|---:|\n");
            for (Result r : others) {
                compareWith(sb, results, first, r, r.peer(), r.peer());
                // on a cluster our store never coalesces: its like on one Redis is the unbatched store
                if (r.peer().equals("twisterlab")) {
                    compareWith(sb, results, first, r, "twisterlab unbatched", "twisterlab ÷ twisterlab unbatched");
                }
            }
        }
        return sb.toString();
    }

    private static void compareWith(StringBuilder sb, List<Result> results, String first, Result r, String peer,
                                    String label) {
        results.stream()
                .filter(s -> s.target().equals(first) && s.measured() && s.peer().equals(peer)
                        && s.scenario().equals(r.scenario()) && s.callers() == r.callers())
                .findFirst()
                .ifPresent(single -> sb.append(String.format(Locale.ROOT, "| %s | %s | %d | %s | %s | %s |%n",
                        r.target(), r.scenario(), r.callers(), label, ratio(r, single), paired(r, single))));
    }

    /** @return median(a) ÷ median(b) with the conservative range [min(a)/max(b), max(a)/min(b)] */
    private static String ratio(Result a, Result b) {
        return String.format(Locale.ROOT, "%.2f× (%.2f–%.2f)", a.perSecond() / b.perSecond(),
                a.perSecondMin() / b.perSecondMax(), a.perSecondMax() / b.perSecondMin());
    }

    /** @return the median and range of a ÷ b, round by round */
    private static String paired(Result a, Result b) {
        int n = Math.min(a.perRound().size(), b.perRound().size());
        double[] q = new double[n];
        for (int i = 0; i < n; i++) {
            q[i] = a.perRound().get(i) / b.perRound().get(i);
        }
        Arrays.sort(q);
        return String.format(Locale.ROOT, "%.2f× (%.2f–%.2f)", RedisHarness.median(q), q[0], q[n - 1]);
    }

    private static String shares(List<Double> shares) {
        return shares.size() < 2 ? "" : shares.stream()
                .map(s -> String.format(Locale.ROOT, "%.0f", s * 100))
                .collect(Collectors.joining(" / ", "", " %"));
    }
}
