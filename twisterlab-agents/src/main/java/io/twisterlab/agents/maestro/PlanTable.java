package io.twisterlab.agents.maestro;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Which steps {@code orchestrate} plans for a task: steps per category, plus steps added when the task contains
 * certain words. Steps name agents and capabilities that may or may not be registered; Maestro reports missing
 * ones as skipped.
 *
 * <pre>{@code
 * PlanTable table = PlanTable.builder()
 *         .category("database", PlanTable.step("database", "db_health", Map.of(), "Check the database"))
 *         .whenWords(Set.of("cache", "redis"), PlanTable.step("cache", "cache_stats", Map.of(), "Cache hit rate"))
 *         .build();
 * }</pre>
 */
public final class PlanTable {
    private static final PlanTable DEFAULTS = defaultTable();

    private final Map<String, List<Step>> byCategory;
    private final List<WordRule> wordRules;

    /**
     * One planned call.
     *
     * <pre>{@code
     * PlanTable.Step step = PlanTable.step("monitoring", "check_thresholds", Map.of("cpu_percent_max", 80), "CPU");
     * }</pre>
     *
     * @param agent      agent name
     * @param capability capability name
     * @param arguments  JSON-like arguments
     * @param purpose    why the step is in the plan
     */
    public record Step(String agent, String capability, Map<String, Object> arguments, String purpose) {
        public Step {
            Objects.requireNonNull(agent, "agent");
            Objects.requireNonNull(capability, "capability");
            Objects.requireNonNull(purpose, "purpose");
            arguments = Map.copyOf(arguments);
        }
    }

    private record WordRule(Set<String> words, List<Step> steps) {
    }

    private PlanTable(Builder builder) {
        Map<String, List<Step>> copy = new LinkedHashMap<>();
        builder.byCategory.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        this.byCategory = Map.copyOf(copy);
        this.wordRules = List.copyOf(builder.wordRules);
    }

    public static Step step(String agent, String capability, Map<String, Object> arguments, String purpose) {
        return new Step(agent, capability, arguments, purpose);
    }

    /**
     * The default table: database → {@code database.db_health}; monitoring and infrastructure →
     * {@code monitoring.get_system_metrics} + {@code monitoring.check_thresholds} (infrastructure also
     * {@code monitoring.health_check}); network → {@code monitoring.get_system_metrics}; security, application and
     * unknown → {@code monitoring.health_check}; tasks mentioning a cache or Redis → {@code cache.cache_stats}.
     */
    public static PlanTable defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Steps for a category, then those of every word rule that the task's words trigger, without duplicates. */
    public List<Step> plan(String category, String task) {
        List<Step> steps = new ArrayList<>(byCategory.getOrDefault(category, List.of()));
        String lower = task.toLowerCase(Locale.ROOT);
        List<String> words = RuleBasedAnalyzer.words(lower);
        for (WordRule rule : wordRules) {
            if (!RuleBasedAnalyzer.matches(lower, words, List.copyOf(rule.words())).isEmpty()) {
                for (Step step : rule.steps()) {
                    boolean duplicate = steps.stream().anyMatch(s -> s.agent().equals(step.agent())
                            && s.capability().equals(step.capability()));
                    if (!duplicate) {
                        steps.add(step);
                    }
                }
            }
        }
        return steps;
    }

    private static PlanTable defaultTable() {
        Step metrics = step("monitoring", "get_system_metrics", Map.of(), "Measure CPU, memory, disks and network");
        Step thresholds = step("monitoring", "check_thresholds", Map.of(),
                "Find CPU, memory or disk usage above 90%");
        Step health = step("monitoring", "health_check", Map.of(), "Check the health of every agent and service");
        return builder()
                .category("database", step("database", "db_health", Map.of(),
                        "Check database connectivity, latency and pool usage"))
                .category("network", metrics)
                .category("security", health)
                .category("monitoring", metrics, thresholds)
                .category("infrastructure", metrics, thresholds, health)
                .category("application", health)
                .category("unknown", health)
                .whenWords(Set.copyOf(RuleBasedAnalyzer.CACHE_WORDS), step("cache", "cache_stats", Map.of(),
                        "Check cache hit rate and size"))
                .build();
    }

    /**
     * Builder for {@link PlanTable}.
     *
     * <pre>{@code
     * PlanTable.builder().category("network", PlanTable.step("monitoring", "get_system_metrics", Map.of(), "I/O"))
     *         .build();
     * }</pre>
     */
    public static final class Builder {
        private final Map<String, List<Step>> byCategory = new LinkedHashMap<>();
        private final List<WordRule> wordRules = new ArrayList<>();

        private Builder() {
        }

        /** Adds steps for a category (see {@link TaskAnalysis#CATEGORIES}). */
        public Builder category(String category, Step... steps) {
            if (!TaskAnalysis.CATEGORIES.contains(category)) {
                throw new IllegalArgumentException("unknown category '" + category + "'; one of "
                        + TaskAnalysis.CATEGORIES);
            }
            byCategory.computeIfAbsent(category, k -> new ArrayList<>()).addAll(List.of(steps));
            return this;
        }

        /** Adds steps to any plan whose task contains one of {@code words} as a whole word. */
        public Builder whenWords(Set<String> words, Step... steps) {
            if (words.isEmpty()) {
                throw new IllegalArgumentException("words must not be empty");
            }
            Set<String> lower = new java.util.LinkedHashSet<>();
            words.forEach(w -> lower.add(w.toLowerCase(Locale.ROOT)));
            wordRules.add(new WordRule(Set.copyOf(lower), List.of(steps)));
            return this;
        }

        public PlanTable build() {
            return new PlanTable(this);
        }
    }
}
