package io.twisterlab.agents.maestro;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How a task was classified.
 *
 * <pre>{@code
 * TaskAnalysis a = TaskAnalyzer.rules().analyze("database down!!!", List.of("database"));
 * a.category();   // "database"
 * a.priority();   // "critical"
 * }</pre>
 *
 * @param category        database, network, security, monitoring, infrastructure, application or unknown
 * @param priority        critical, high, medium or low
 * @param keywords        the words that decided category and priority
 * @param suggestedAgents registered agents suited to the task
 * @param source          {@code rules} or {@code llm}
 * @param fallbackReason  why the LLM analysis was not used, when the rules stood in for it
 */
public record TaskAnalysis(String category, String priority, List<String> keywords, List<String> suggestedAgents,
                           String source, @Nullable String fallbackReason) {
    /** Categories in the order the rules try them; {@code unknown} when none matches. */
    public static final List<String> CATEGORIES = List.of("database", "network", "security", "monitoring",
            "infrastructure", "application", "unknown");
    /** Priorities, most urgent first. */
    public static final List<String> PRIORITIES = List.of("critical", "high", "medium", "low");

    public TaskAnalysis {
        Objects.requireNonNull(category, "category");
        Objects.requireNonNull(priority, "priority");
        Objects.requireNonNull(source, "source");
        keywords = List.copyOf(keywords);
        suggestedAgents = List.copyOf(suggestedAgents);
    }

    /** The same analysis, from the rules, noting why the LLM was not used. */
    public TaskAnalysis withFallbackReason(String reason) {
        return new TaskAnalysis(category, priority, keywords, suggestedAgents, source, reason);
    }

    /** JSON-like form with snake_case keys. */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("category", category);
        map.put("priority", priority);
        map.put("suggested_agents", suggestedAgents);
        map.put("keywords", keywords);
        map.put("source", source);
        if (fallbackReason != null) {
            map.put("fallback_reason", fallbackReason);
        }
        return map;
    }
}
