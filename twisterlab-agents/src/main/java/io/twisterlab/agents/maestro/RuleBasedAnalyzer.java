package io.twisterlab.agents.maestro;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Keyword rules over whole words; see {@link TaskAnalyzer#rules()}. */
final class RuleBasedAnalyzer implements TaskAnalyzer {
    static final RuleBasedAnalyzer INSTANCE = new RuleBasedAnalyzer();

    private static final Pattern WORD = Pattern.compile("[a-z0-9]+");

    /** Ordered: the first category with a matching keyword wins. */
    private static final Map<String, List<String>> CATEGORIES = new LinkedHashMap<>();
    /** Ordered: the first priority with a matching keyword wins; medium otherwise. */
    private static final Map<String, List<String>> PRIORITIES = new LinkedHashMap<>();
    /** Which agents suit which category. */
    private static final Map<String, List<String>> AGENTS = Map.of(
            "database", List.of("database", "monitoring"),
            "network", List.of("monitoring"),
            "security", List.of("monitoring"),
            "monitoring", List.of("monitoring"),
            "infrastructure", List.of("monitoring"),
            "application", List.of("monitoring", "cache"),
            "unknown", List.of("monitoring"));
    static final List<String> CACHE_WORDS = List.of("cache", "caches", "caching", "cached", "redis");

    static {
        CATEGORIES.put("database", List.of("database", "databases", "db", "dbs", "sql", "query", "queries",
                "postgres", "postgresql", "mysql", "h2", "table", "tables", "schema", "index", "deadlock", "jdbc"));
        CATEGORIES.put("network", List.of("network", "networking", "dns", "latency", "connectivity", "firewall",
                "bandwidth", "packet", "packets", "ping", "routing", "proxy", "vpn", "tcp", "ip"));
        CATEGORIES.put("security", List.of("security", "vulnerability", "vulnerabilities", "cve", "breach",
                "attack", "intrusion", "malware", "unauthorized", "password", "passwords", "certificate", "ssl",
                "tls", "auth", "authentication", "permission", "permissions", "exploit"));
        CATEGORIES.put("monitoring", List.of("monitor", "monitoring", "metric", "metrics", "cpu", "memory", "disk",
                "alert", "alerts", "usage", "performance", "load", "health", "threshold", "thresholds"));
        CATEGORIES.put("infrastructure", List.of("infrastructure", "server", "servers", "deploy", "deployment",
                "kubernetes", "k8s", "docker", "container", "containers", "pod", "pods", "node", "nodes",
                "cluster", "vm", "host", "hosts"));
        CATEGORIES.put("application", List.of("application", "app", "bug", "bugs", "error", "errors", "exception",
                "feature", "api", "endpoint", "service", "cache", "caching", "redis", "ui"));
        PRIORITIES.put("critical", List.of("urgent", "critical", "down", "crash", "crashed", "emergency", "outage",
                "!!!"));
        PRIORITIES.put("high", List.of("important", "high", "production", "asap"));
        PRIORITIES.put("low", List.of("minor", "low", "when possible", "nice to have"));
    }

    private RuleBasedAnalyzer() {
    }

    @Override
    public TaskAnalysis analyze(String task, List<String> availableAgents) {
        String lower = task.toLowerCase(Locale.ROOT);
        List<String> words = words(lower);
        Set<String> keywords = new LinkedHashSet<>();

        String category = "unknown";
        for (Map.Entry<String, List<String>> entry : CATEGORIES.entrySet()) {
            List<String> hits = matches(lower, words, entry.getValue());
            if (!hits.isEmpty()) {
                category = entry.getKey();
                keywords.addAll(hits);
                break;
            }
        }
        String priority = "medium";
        for (Map.Entry<String, List<String>> entry : PRIORITIES.entrySet()) {
            List<String> hits = matches(lower, words, entry.getValue());
            if (!hits.isEmpty()) {
                priority = entry.getKey();
                keywords.addAll(hits);
                break;
            }
        }
        List<String> cacheHits = matches(lower, words, CACHE_WORDS);
        keywords.addAll(cacheHits);

        Set<String> suggested = new LinkedHashSet<>(AGENTS.get(category));
        if (!cacheHits.isEmpty()) {
            suggested.add("cache");
        }
        suggested.retainAll(availableAgents);
        return new TaskAnalysis(category, priority, new ArrayList<>(keywords), new ArrayList<>(suggested), "rules",
                null);
    }

    static List<String> words(String lower) {
        List<String> words = new ArrayList<>();
        Matcher m = WORD.matcher(lower);
        while (m.find()) {
            words.add(m.group());
        }
        return words;
    }

    /** Keywords present as whole words or whole-word phrases; non-word keywords such as "!!!" as text. */
    static List<String> matches(String lower, List<String> words, List<String> keywords) {
        List<String> hits = new ArrayList<>();
        for (String keyword : keywords) {
            if (!WORD.matcher(keyword.replace(" ", "")).matches()) {
                if (lower.contains(keyword)) {
                    hits.add(keyword);
                }
            } else if (containsPhrase(words, Arrays.asList(keyword.split(" ")))) {
                hits.add(keyword);
            }
        }
        return hits;
    }

    private static boolean containsPhrase(List<String> words, List<String> phrase) {
        for (int i = 0; i + phrase.size() <= words.size(); i++) {
            if (words.subList(i, i + phrase.size()).equals(phrase)) {
                return true;
            }
        }
        return false;
    }
}
