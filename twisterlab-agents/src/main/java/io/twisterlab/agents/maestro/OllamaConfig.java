package io.twisterlab.agents.maestro;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Where an Ollama-compatible LLM is served ({@code POST /api/generate}, {@code POST /api/chat}), which model to
 * use, and how long one request may take.
 *
 * <pre>{@code
 * OllamaConfig llm = new OllamaConfig(URI.create("http://localhost:11434"), "llama3.2", Duration.ofSeconds(30));
 * }</pre>
 *
 * @param baseUrl e.g. {@code http://localhost:11434}
 * @param model   e.g. {@code llama3.2}
 * @param timeout bound on each request, connection included
 */
public record OllamaConfig(URI baseUrl, String model, Duration timeout) {
    public OllamaConfig {
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(timeout, "timeout");
        if (baseUrl.getScheme() == null || baseUrl.getHost() == null
                || !(baseUrl.getScheme().equals("http") || baseUrl.getScheme().equals("https"))) {
            throw new IllegalArgumentException("LLM base URL must be an absolute http(s) URL");
        }
        if (model.isBlank()) {
            throw new IllegalArgumentException("LLM model must not be blank");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("LLM timeout must be positive");
        }
    }

    /** {@code baseUrl} joined with {@code path} (which starts without a slash, e.g. {@code api/generate}). */
    URI resolve(String path) {
        String base = baseUrl.toString();
        return URI.create(base.endsWith("/") ? base + path : base + "/" + path);
    }
}
