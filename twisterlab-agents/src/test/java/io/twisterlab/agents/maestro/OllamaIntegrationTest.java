package io.twisterlab.agents.maestro;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.twisterlab.core.AgentCall;
import io.twisterlab.core.AgentResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Ollama-compatible analyzer and the chat/generate capabilities against a local canned HTTP server. */
class OllamaIntegrationTest {
    private static final List<String> AGENTS = List.of("monitoring", "database", "maestro");

    private HttpServer server;
    private ExecutorService executor;
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    private volatile int status = 200;
    private volatile String body = "{}";
    private volatile boolean hang;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        executor = Executors.newCachedThreadPool();
        server.setExecutor(executor);
        server.createContext("/api/", this::handle);
        server.start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.add(OllamaClient.JSON.readTree(exchange.getRequestBody()));
        if (hang) {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private OllamaConfig config(Duration timeout) {
        return new OllamaConfig(URI.create("http://127.0.0.1:" + server.getAddress().getPort()), "test-model",
                timeout);
    }

    private TaskAnalyzer analyzer() {
        return new OllamaTaskAnalyzer(new OllamaClient(config(Duration.ofSeconds(5))), TaskAnalyzer.rules());
    }

    private static String generateAnswer(String response) throws IOException {
        return OllamaClient.JSON.writeValueAsString(Map.of("model", "test-model", "response", response,
                "done", true, "eval_count", 12, "prompt_eval_count", 30, "total_duration", 5_000_000));
    }

    @Test
    void aValidModelAnswerIsUsedAndFilteredToRegisteredAgents() throws IOException {
        body = generateAnswer("{\"category\":\"network\",\"priority\":\"HIGH\",\"keywords\":[\"dns\"],"
                + "\"suggested_agents\":[\"monitoring\",\"imaginary\"]}");
        TaskAnalysis analysis = analyzer().analyze("name resolution is flaky", AGENTS);
        assertThat(analysis.source()).isEqualTo("llm");
        assertThat(analysis.category()).isEqualTo("network");
        assertThat(analysis.priority()).isEqualTo("high");
        assertThat(analysis.keywords()).containsExactly("dns");
        assertThat(analysis.suggestedAgents()).containsExactly("monitoring");
        JsonNode request = requests.get(0);
        assertThat(request.path("model").asText()).isEqualTo("test-model");
        assertThat(request.path("format").asText()).isEqualTo("json");
        assertThat(request.path("stream").asBoolean(true)).isFalse();
        assertThat(request.path("prompt").asText()).contains("name resolution is flaky", "monitoring, database");
    }

    @Test
    void anHttpErrorFallsBackToTheRules() {
        status = 500;
        body = "{\"error\":\"model not loaded\"}";
        TaskAnalysis analysis = analyzer().analyze("the database is slow", AGENTS);
        assertThat(analysis.source()).isEqualTo("rules");
        assertThat(analysis.category()).isEqualTo("database");
        assertThat(analysis.fallbackReason()).startsWith("llm_unavailable");
    }

    @Test
    void anAnswerThatIsNotJsonFallsBackToTheRules() throws IOException {
        body = generateAnswer("Sure! The category is database.");
        assertThat(analyzer().analyze("the database is slow", AGENTS).fallbackReason())
                .startsWith("llm_bad_response");
        body = "not json at all";
        assertThat(analyzer().analyze("the database is slow", AGENTS).fallbackReason())
                .startsWith("llm_bad_response");
    }

    @Test
    void anInventedCategoryFallsBackToTheRules() throws IOException {
        body = generateAnswer("{\"category\":\"weather\",\"priority\":\"low\"}");
        TaskAnalysis analysis = analyzer().analyze("cpu is hot", AGENTS);
        assertThat(analysis.source()).isEqualTo("rules");
        assertThat(analysis.category()).isEqualTo("monitoring");
        assertThat(analysis.fallbackReason()).contains("category");
    }

    @Test
    void aSlowModelTimesOutAndFallsBackToTheRules() {
        hang = true;
        TaskAnalyzer slow = new OllamaTaskAnalyzer(new OllamaClient(config(Duration.ofMillis(300))),
                TaskAnalyzer.rules());
        TaskAnalysis analysis = slow.analyze("the database is slow", AGENTS);
        assertThat(analysis.source()).isEqualTo("rules");
        assertThat(analysis.fallbackReason()).startsWith("llm_timeout");
    }

    @Test
    void anUnreachableEndpointFallsBackToTheRules() {
        server.stop(0);
        TaskAnalysis analysis = analyzer().analyze("the database is slow", AGENTS);
        assertThat(analysis.fallbackReason()).startsWith("llm_unavailable");
    }

    @Test
    @SuppressWarnings("unchecked")
    void maestroUsesTheLlmForAnalysisAndOffersChatAndGenerate() throws IOException {
        MaestroAgent maestro = MaestroAgent.builder().ollama(config(Duration.ofSeconds(5))).build();
        body = generateAnswer("{\"category\":\"security\",\"priority\":\"critical\",\"keywords\":[],"
                + "\"suggested_agents\":[]}");
        AgentResponse analysis = maestro.execute(AgentCall.of("analyze_task", Map.of("task", "odd logins")));
        assertThat((Map<String, Object>) analysis.data()).containsEntry("source", "llm")
                .containsEntry("category", "security");

        AgentResponse generated = maestro.execute(AgentCall.of("generate", Map.of("prompt", "Say hi")));
        assertThat((Map<String, Object>) generated.data()).containsEntry("model", "test-model")
                .containsKey("response").containsEntry("usage",
                        Map.of("total_duration_ms", 5L, "prompt_tokens", 30L, "completion_tokens", 12L));

        body = OllamaClient.JSON.writeValueAsString(Map.of("model", "test-model",
                "message", Map.of("role", "assistant", "content", "Hello there"), "done", true));
        AgentResponse chat = maestro.execute(AgentCall.of("chat", Map.of("message", "Hi", "system", "Be brief")));
        assertThat((Map<String, Object>) chat.data()).containsEntry("response", "Hello there");
        JsonNode chatRequest = requests.get(requests.size() - 1);
        assertThat(chatRequest.path("messages").get(0).path("role").asText()).isEqualTo("system");
        assertThat(chatRequest.path("messages").get(1).path("content").asText()).isEqualTo("Hi");

        status = 503;
        assertThat(maestro.execute(AgentCall.of("chat", Map.of("message", "Hi"))).errorCode())
                .contains("llm_unavailable");
        status = 200;
        body = "{\"model\":\"test-model\"}";
        assertThat(maestro.execute(AgentCall.of("chat", Map.of("message", "Hi"))).errorCode())
                .contains("llm_bad_response");
    }

    @Test
    void withoutAnLlmThereIsNoChatOrGenerate() {
        MaestroAgent maestro = MaestroAgent.builder().build();
        assertThat(maestro.capability("chat")).isEmpty();
        assertThat(maestro.capability("generate")).isEmpty();
    }
}
