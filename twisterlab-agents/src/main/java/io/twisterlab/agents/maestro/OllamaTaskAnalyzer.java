package io.twisterlab.agents.maestro;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks an Ollama-compatible model to classify the task as JSON; any failure (unreachable, HTTP error, timeout,
 * not JSON, unknown category or priority) falls back to the rules, with the reason recorded.
 */
final class OllamaTaskAnalyzer implements TaskAnalyzer {
    private static final Logger LOG = LoggerFactory.getLogger(OllamaTaskAnalyzer.class);
    private static final String SYSTEM = "You classify operations tasks. Answer with one JSON object only.";

    private final OllamaClient client;
    private final TaskAnalyzer fallback;

    OllamaTaskAnalyzer(OllamaClient client, TaskAnalyzer fallback) {
        this.client = client;
        this.fallback = fallback;
    }

    @Override
    public TaskAnalysis analyze(String task, List<String> availableAgents) {
        try {
            return ask(task, availableAgents);
        } catch (OllamaClient.LlmException e) {
            LOG.debug("LLM analysis failed ({}), using rules", e.getMessage());
            return fallback.analyze(task, availableAgents).withFallbackReason(e.code() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fallback.analyze(task, availableAgents).withFallbackReason("llm_interrupted");
        }
    }

    private TaskAnalysis ask(String task, List<String> availableAgents) throws OllamaClient.LlmException,
            InterruptedException {
        String prompt = "Classify this task.\n"
                + "Task: " + task + "\n"
                + "Answer as JSON with keys: \"category\" (one of " + String.join(", ", TaskAnalysis.CATEGORIES)
                + "), \"priority\" (one of " + String.join(", ", TaskAnalysis.PRIORITIES) + "), "
                + "\"keywords\" (array of short strings from the task), "
                + "\"suggested_agents\" (array, only from: " + String.join(", ", availableAgents) + ").";
        JsonNode answer = client.generate(prompt, SYSTEM, true);
        JsonNode parsed;
        try {
            parsed = OllamaClient.JSON.readTree(answer.get("response").asText());
        } catch (JsonProcessingException e) {
            throw new OllamaClient.LlmException("llm_bad_response", "The model's answer is not JSON");
        }
        if (parsed == null || !parsed.isObject()) {
            throw new OllamaClient.LlmException("llm_bad_response", "The model's answer is not a JSON object");
        }
        String category = parsed.path("category").asText("").toLowerCase(Locale.ROOT).trim();
        String priority = parsed.path("priority").asText("").toLowerCase(Locale.ROOT).trim();
        if (!TaskAnalysis.CATEGORIES.contains(category)) {
            throw new OllamaClient.LlmException("llm_bad_response", "The model gave no valid category");
        }
        if (!TaskAnalysis.PRIORITIES.contains(priority)) {
            throw new OllamaClient.LlmException("llm_bad_response", "The model gave no valid priority");
        }
        List<String> keywords = new ArrayList<>();
        for (JsonNode k : parsed.path("keywords")) {
            if (k.isTextual() && !k.asText().isBlank() && keywords.size() < 20) {
                keywords.add(k.asText().trim());
            }
        }
        Set<String> suggested = new LinkedHashSet<>();
        for (JsonNode a : parsed.path("suggested_agents")) {
            if (a.isTextual() && availableAgents.contains(a.asText())) {
                suggested.add(a.asText());
            }
        }
        return new TaskAnalysis(category, priority, keywords, new ArrayList<>(suggested), "llm", null);
    }
}
