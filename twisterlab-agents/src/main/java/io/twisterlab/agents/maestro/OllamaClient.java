package io.twisterlab.agents.maestro;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** A minimal client of the Ollama HTTP API: non-streaming {@code /api/generate} and {@code /api/chat}. */
final class OllamaClient {
    static final ObjectMapper JSON = new ObjectMapper();

    /** A failed LLM call; {@link #code} is the failure code reported to callers. */
    static final class LlmException extends Exception {
        private static final long serialVersionUID = 1L;
        private final String code;

        LlmException(String code, String message) {
            super(message);
            this.code = code;
        }

        String code() {
            return code;
        }

        /** Never null: every constructor takes a message. */
        @Override
        public String getMessage() {
            return Objects.requireNonNull(super.getMessage());
        }
    }

    private final OllamaConfig config;
    private final HttpClient http;

    OllamaClient(OllamaConfig config) {
        this.config = config;
        this.http = HttpClient.newBuilder().connectTimeout(config.timeout()).build();
    }

    OllamaConfig config() {
        return config;
    }

    /** {@code /api/generate}; {@code jsonFormat} asks the model for JSON output. Returns the whole answer. */
    JsonNode generate(String prompt, @Nullable String system, boolean jsonFormat) throws LlmException,
            InterruptedException {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", config.model());
        body.put("prompt", prompt);
        if (system != null) {
            body.put("system", system);
        }
        body.put("stream", false);
        if (jsonFormat) {
            body.put("format", "json");
        }
        JsonNode answer = post("api/generate", body);
        if (!answer.path("response").isTextual()) {
            throw new LlmException("llm_bad_response", "The LLM answer has no text 'response' field");
        }
        return answer;
    }

    /** {@code /api/chat} with an optional system message and one user message. */
    JsonNode chat(String message, @Nullable String system) throws LlmException, InterruptedException {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", config.model());
        ArrayNode messages = body.putArray("messages");
        if (system != null) {
            messages.addObject().put("role", "system").put("content", system);
        }
        messages.addObject().put("role", "user").put("content", message);
        body.put("stream", false);
        JsonNode answer = post("api/chat", body);
        if (!answer.path("message").path("content").isTextual()) {
            throw new LlmException("llm_bad_response", "The LLM answer has no 'message.content' field");
        }
        return answer;
    }

    /**
     * {@code GET /api/tags} (lists local models, loads none), bounded by {@code timeout}: whether the endpoint
     * answers at all.
     */
    void ping(Duration timeout) throws LlmException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(config.resolve("api/tags")).timeout(timeout).GET().build();
        HttpResponse<Void> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.discarding());
        } catch (HttpTimeoutException e) {
            throw new LlmException("llm_timeout", "The LLM did not answer within " + timeout.toMillis() + " ms");
        } catch (IOException e) {
            throw new LlmException("llm_unavailable", "The LLM endpoint is not reachable");
        }
        if (response.statusCode() / 100 != 2) {
            throw new LlmException("llm_unavailable", "The LLM endpoint answered HTTP " + response.statusCode());
        }
    }

    private JsonNode post(String path, ObjectNode body) throws LlmException, InterruptedException {
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(config.resolve(path))
                    .timeout(config.timeout())
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body), StandardCharsets.UTF_8))
                    .build();
        } catch (JsonProcessingException e) {
            throw new LlmException("llm_bad_request", "The request could not be encoded");
        }
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpTimeoutException e) {
            throw new LlmException("llm_timeout", "The LLM did not answer within " + config.timeout().toMillis()
                    + " ms");
        } catch (IOException e) {
            throw new LlmException("llm_unavailable", "The LLM endpoint is not reachable");
        }
        if (response.statusCode() / 100 != 2) {
            throw new LlmException("llm_unavailable", "The LLM endpoint answered HTTP " + response.statusCode());
        }
        try {
            JsonNode node = JSON.readTree(response.body());
            if (node == null || !node.isObject()) {
                throw new LlmException("llm_bad_response", "The LLM answer is not a JSON object");
            }
            if (node.hasNonNull("error")) {
                throw new LlmException("llm_unavailable", "The LLM reported an error");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new LlmException("llm_bad_response", "The LLM answer is not JSON");
        }
    }

    /** Ollama's timing and token counts, when present, in JSON-like form. */
    static Map<String, Object> usage(JsonNode answer) {
        Map<String, Object> usage = new LinkedHashMap<>();
        if (answer.has("total_duration")) {
            usage.put("total_duration_ms", answer.get("total_duration").asLong() / 1_000_000);
        }
        if (answer.has("prompt_eval_count")) {
            usage.put("prompt_tokens", answer.get("prompt_eval_count").asLong());
        }
        if (answer.has("eval_count")) {
            usage.put("completion_tokens", answer.get("eval_count").asLong());
        }
        return usage;
    }
}
