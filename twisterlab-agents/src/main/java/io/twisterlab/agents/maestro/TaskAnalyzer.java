package io.twisterlab.agents.maestro;

import java.util.List;

/**
 * Classifies a task into a category and a priority and suggests agents. The default is {@link #rules()}; with an
 * LLM endpoint configured, Maestro uses an Ollama-compatible analyzer that falls back to the rules on any error,
 * timeout or unusable answer.
 *
 * <pre>{@code
 * TaskAnalyzer analyzer = TaskAnalyzer.rules();
 * TaskAnalysis analysis = analyzer.analyze("urgent: postgres table locked", List.of("database", "monitoring"));
 * }</pre>
 */
@FunctionalInterface
public interface TaskAnalyzer {
    /**
     * Analyzes {@code task}.
     *
     * @param availableAgents names of the agents that are registered; suggestions must come from these
     */
    TaskAnalysis analyze(String task, List<String> availableAgents);

    /**
     * The keyword rules: an ordered category table (first match wins) and a priority table, matched on whole
     * words, so {@code db} matches "the db is slow" but not "feedback".
     */
    static TaskAnalyzer rules() {
        return RuleBasedAnalyzer.INSTANCE;
    }
}
