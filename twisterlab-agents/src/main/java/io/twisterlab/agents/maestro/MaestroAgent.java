package io.twisterlab.agents.maestro;

import com.fasterxml.jackson.databind.JsonNode;
import io.twisterlab.core.AbstractCoreAgent;
import io.twisterlab.core.AgentDirectory;
import io.twisterlab.core.AgentHealth;
import io.twisterlab.core.AgentResponse;
import io.twisterlab.core.Capability;
import io.twisterlab.core.CoreAgent;
import io.twisterlab.core.ExecutionContext;
import io.twisterlab.core.HealthStatus;
import io.twisterlab.core.Invocation;
import io.twisterlab.core.Param;
import io.twisterlab.core.ParamType;
import io.twisterlab.core.TwisterLabException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The {@code maestro} agent: analyzes tasks, plans and runs steps over the registered agents, and executes
 * {@code @agent.capability(key=value)} commands.
 *
 * <p><b>Authority.</b> Every nested call goes through {@link Invocation#directory()} with the caller's
 * {@link ExecutionContext}, so the registry's access policy judges each step as if the caller had made it: a
 * caller who may not run an ACTION directly cannot run it through Maestro either. A refused step has status
 * {@code error} with code {@code forbidden}.
 *
 * <p>Capabilities: {@code analyze_task}, {@code orchestrate}, {@code list_agents} (queries: orchestrate's default
 * plan only reads, and each step is authorised as the caller), {@code execute_command} (an action: it may run
 * any capability, still only as the caller), and, only when an LLM endpoint is configured, {@code chat} and
 * {@code generate} (queries).
 *
 * <pre>{@code
 * MaestroAgent maestro = MaestroAgent.builder().planTable(PlanTable.defaults()).build();
 * registry.register(maestro);
 * registry.execute("maestro", "execute_command",
 *         Map.of("command", "@database.execute_query(sql=\"SELECT 1\", limit=1)"), callerContext);
 * }</pre>
 */
public final class MaestroAgent extends AbstractCoreAgent {
    /** The agent's canonical name. */
    public static final String NAME = "maestro";
    /** The longest the health check waits for the LLM. */
    static final Duration LLM_PING_TIMEOUT = Duration.ofMillis(1500);

    private final TaskAnalyzer analyzer;
    private final PlanTable planTable;
    private final @Nullable OllamaClient llm;

    private MaestroAgent(Builder builder) {
        super(NAME, "Orchestrator: analyzes tasks, plans and runs steps over registered agents with the caller's "
                + "authority, executes @agent.capability(...) commands", "1.0.0");
        this.planTable = builder.planTable;
        this.llm = builder.ollama == null ? null : new OllamaClient(builder.ollama);
        TaskAnalyzer chosen = builder.analyzer;
        if (chosen == null) {
            chosen = llm == null ? TaskAnalyzer.rules() : new OllamaTaskAnalyzer(llm, TaskAnalyzer.rules());
        }
        this.analyzer = chosen;

        query("analyze_task", "Classifies a task: category, priority, suggested agents, keywords, source")
                .param(taskParam())
                .handler(inv -> analyze(inv.arguments().getString("task"), inv.directory()).toMap());
        // A query: the default plan only reads, and every step is authorised as the caller, so a plan step that
        // is an action runs only for callers who may run that action directly.
        query("orchestrate", "Plans steps for a task over the registered agents and, unless dry_run, runs them "
                + "in order with the caller's authority")
                .param(taskParam())
                .param(Param.builder("context", ParamType.OBJECT)
                        .description("Extra facts about the task; their text also informs the analysis").build())
                .param(Param.builder("dry_run", ParamType.BOOLEAN).defaultValue(false)
                        .description("Return the plan without running it").build())
                .handler(inv -> orchestrate(inv, inv.arguments().getString("task"),
                        inv.arguments().findMap("context").orElse(Map.of()), inv.arguments().getBoolean("dry_run")));
        action("execute_command", "Executes @agent.capability(key=value, ...) with the caller's authority")
                .param(Param.builder("command", ParamType.STRING).required().maxLength(20_000)
                        .description("e.g. @monitoring.list_processes(sort_by=\"memory\", limit=5)").build())
                .handler(inv -> executeCommand(inv, inv.arguments().getString("command")));
        query("list_agents", "The agents registered right now, with their capabilities")
                .handler(inv -> listAgents(inv.directory()));
        if (llm != null) {
            query("chat", "Sends a message to the configured LLM and returns its reply")
                    .param(Param.builder("message", ParamType.STRING).required().maxLength(50_000)
                            .description("The user message").build())
                    .param(Param.builder("system", ParamType.STRING).maxLength(10_000)
                            .description("Optional system prompt").build())
                    .handler(inv -> chat(inv.arguments().getString("message"),
                            inv.arguments().findString("system").orElse(null)));
            query("generate", "Completes a prompt with the configured LLM")
                    .param(Param.builder("prompt", ParamType.STRING).required().maxLength(50_000)
                            .description("The prompt").build())
                    .param(Param.builder("system", ParamType.STRING).maxLength(10_000)
                            .description("Optional system prompt").build())
                    .param(Param.builder("json", ParamType.BOOLEAN).defaultValue(false)
                            .description("Ask the model for JSON output").build())
                    .handler(inv -> generate(inv.arguments().getString("prompt"),
                            inv.arguments().findString("system").orElse(null), inv.arguments().getBoolean("json")));
        }
    }

    private static Param taskParam() {
        return Param.builder("task", ParamType.STRING).required().maxLength(10_000)
                .description("The task in plain words").build();
    }

    public static Builder builder() {
        return new Builder();
    }

    // ---------------------------------------------------------------- analysis

    private TaskAnalysis analyze(String task, AgentDirectory directory) {
        List<String> available = directory.agents().stream().map(CoreAgent::name).toList();
        return analyzer.analyze(task, available);
    }

    // ---------------------------------------------------------------- orchestrate

    private Map<String, Object> orchestrate(Invocation inv, String task, Map<String, Object> context,
                                            boolean dryRun) {
        StringBuilder text = new StringBuilder(task);
        context.values().forEach(v -> {
            if (v instanceof String s) {
                text.append(' ').append(s);
            }
        });
        TaskAnalysis analysis = analyze(text.toString(), inv.directory());
        List<Map<String, Object>> steps = new ArrayList<>();
        int index = 0;
        for (PlanTable.Step step : planTable.plan(analysis.category(), text.toString())) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("index", ++index);
            s.put("agent", step.agent());
            s.put("capability", step.capability());
            s.put("arguments", step.arguments());
            s.put("purpose", step.purpose());
            Optional<String> missing = missing(inv.directory(), step);
            if (missing.isPresent()) {
                s.put("status", "skipped");
                s.put("reason", missing.get());
            } else if (dryRun) {
                s.put("status", "planned");
            } else {
                run(inv.directory(), inv.context(), step, s);
            }
            steps.add(s);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("task_id", "task-" + UUID.randomUUID());
        result.put("task", task);
        if (!context.isEmpty()) {
            result.put("context", context);
        }
        result.put("analysis", analysis.toMap());
        result.put("dry_run", dryRun);
        result.put("steps", steps);
        result.put("synthesis", synthesis(analysis, steps, dryRun));
        return result;
    }

    private static Optional<String> missing(AgentDirectory directory, PlanTable.Step step) {
        Optional<CoreAgent> agent = directory.find(step.agent());
        if (agent.isEmpty()) {
            return Optional.of("agent '" + step.agent() + "' is not registered");
        }
        if (agent.get().capability(step.capability()).isEmpty()) {
            return Optional.of("agent '" + step.agent() + "' has no capability '" + step.capability() + "'");
        }
        return Optional.empty();
    }

    private static void run(AgentDirectory directory, ExecutionContext context, PlanTable.Step step,
                            Map<String, Object> into) {
        long start = System.nanoTime();
        try {
            AgentResponse response = directory.execute(step.agent(), step.capability(), step.arguments(), context);
            into.put("status", response.success() ? "success" : "failed");
            if (response.success()) {
                into.put("result", response.data());
            } else {
                into.put("error", errorMap(response.findError().map(e -> e.code()).orElse("unknown"),
                        response.findError().map(e -> e.message()).orElse("")));
            }
        } catch (TwisterLabException e) {
            into.put("status", "error");
            into.put("error", errorMap(e.code(), e.getMessage()));
        }
        into.put("duration_ms", Math.round((System.nanoTime() - start) / 1e5) / 10.0);
    }

    private static Map<String, Object> errorMap(String code, @Nullable String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message == null ? "" : message);
        return error;
    }

    private static Map<String, Object> synthesis(TaskAnalysis analysis, List<Map<String, Object>> steps,
                                                 boolean dryRun) {
        int success = count(steps, "success");
        int failed = count(steps, "failed");
        int errors = count(steps, "error");
        int skipped = count(steps, "skipped");
        int executed = success + failed + errors;
        List<String> findings = new ArrayList<>();
        boolean alarming = false;
        for (Map<String, Object> step : steps) {
            String name = step.get("agent") + "." + step.get("capability");
            switch ((String) Objects.requireNonNull(step.get("status"))) {
                case "skipped" -> findings.add(name + " skipped: " + step.get("reason"));
                case "failed", "error" -> {
                    Map<?, ?> error = (Map<?, ?>) Objects.requireNonNull(step.get("error"));
                    findings.add(name + " " + step.get("status") + " (" + error.get("code") + "): "
                            + error.get("message"));
                }
                case "success" -> alarming |= findingsFrom(name, step.get("result"), findings);
                default -> {
                    // planned (dry run): nothing observed yet
                }
            }
        }
        Map<String, Object> synthesis = new LinkedHashMap<>();
        if (dryRun) {
            synthesis.put("summary", "Dry run: " + (steps.size() - skipped) + " step(s) planned, " + skipped
                    + " skipped, for a " + analysis.priority() + " " + analysis.category() + " task");
            synthesis.put("success_rate", null);
            synthesis.put("requires_human", "critical".equals(analysis.priority()));
        } else {
            synthesis.put("summary", "A " + analysis.priority() + " " + analysis.category() + " task: " + executed
                    + " step(s) run, " + success + " succeeded, " + failed + " failed, " + errors + " errors, "
                    + skipped + " skipped");
            synthesis.put("success_rate", executed == 0 ? null : Math.round(1000.0 * success / executed) / 1000.0);
            synthesis.put("requires_human", "critical".equals(analysis.priority()) || failed + errors > 0
                    || executed == 0 || alarming);
        }
        synthesis.put("findings", findings);
        return synthesis;
    }

    private static int count(List<Map<String, Object>> steps, String status) {
        return (int) steps.stream().filter(s -> status.equals(s.get("status"))).count();
    }

    /** Adds what a step's result says is wrong; true if anything is. */
    private static boolean findingsFrom(String name, @Nullable Object result, List<String> findings) {
        if (!(result instanceof Map<?, ?> data)) {
            return false;
        }
        boolean alarming = false;
        if (Boolean.TRUE.equals(data.get("breached")) && data.get("breaches") instanceof List<?> breaches) {
            for (Object b : breaches) {
                if (b instanceof Map<?, ?> breach) {
                    findings.add(name + ": " + breach.get("metric")
                            + (breach.get("mount") == null ? "" : " on " + breach.get("mount")) + " is "
                            + breach.get("value") + ", above " + breach.get("threshold"));
                    alarming = true;
                }
            }
        }
        for (String key : List.of("overall", "status")) {
            Object status = data.get(key);
            if ("degraded".equals(status) || "unhealthy".equals(status)) {
                findings.add(name + ": " + key + " is " + status);
                alarming = true;
            }
        }
        return alarming;
    }

    // ---------------------------------------------------------------- execute_command

    private Object executeCommand(Invocation inv, String command) {
        CommandParser.Command parsed;
        try {
            parsed = CommandParser.parse(command);
        } catch (CommandParser.SyntaxException e) {
            return AgentResponse.failure("invalid_command", e.getMessage());
        }
        AgentResponse response;
        try {
            response = inv.directory().execute(parsed.agent(), parsed.capability(), parsed.arguments(),
                    inv.context());
        } catch (TwisterLabException e) {
            return AgentResponse.failure(e.code(), e.getMessage());
        }
        if (!response.success()) {
            return AgentResponse.failure(response.findError().map(e -> e.code()).orElse("failed"),
                    parsed.agent() + "." + parsed.capability() + " failed: "
                            + response.findError().map(e -> e.message()).orElse(""));
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("agent", parsed.agent());
        result.put("capability", parsed.capability());
        result.put("arguments", parsed.arguments());
        result.put("result", response.data());
        return result;
    }

    // ---------------------------------------------------------------- list_agents

    private static Map<String, Object> listAgents(AgentDirectory directory) {
        List<Map<String, Object>> agents = new ArrayList<>();
        for (CoreAgent agent : directory.agents()) {
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("name", agent.name());
            a.put("description", agent.description());
            a.put("version", agent.version());
            List<Map<String, Object>> capabilities = new ArrayList<>();
            for (Capability capability : agent.capabilities()) {
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("name", capability.name());
                c.put("kind", capability.kind().name().toLowerCase(Locale.ROOT));
                c.put("description", capability.description());
                capabilities.add(c);
            }
            a.put("capabilities", capabilities);
            agents.add(a);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("agents", agents);
        result.put("count", agents.size());
        return result;
    }

    /**
     * Healthy without an LLM; with one, whether it answers {@code GET /api/tags} within
     * {@link #LLM_PING_TIMEOUT} (or the LLM timeout, if shorter). An unreachable LLM degrades Maestro: chat and
     * generate fail, orchestration falls back to the rule-based task analysis.
     */
    @Override
    public AgentHealth health() {
        if (llm == null) {
            return AgentHealth.healthy("no LLM configured: rule-based task analysis");
        }
        Duration timeout = llm.config().timeout().compareTo(LLM_PING_TIMEOUT) < 0 ? llm.config().timeout()
                : LLM_PING_TIMEOUT;
        try {
            llm.ping(timeout);
            return AgentHealth.healthy("LLM answered");
        } catch (OllamaClient.LlmException e) {
            return AgentHealth.of(HealthStatus.DEGRADED, e.getMessage() + ": chat and generate fail, task analysis "
                    + "uses the rules", Map.of("llm", e.code()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return AgentHealth.unhealthy("health check interrupted");
        }
    }

    // ---------------------------------------------------------------- LLM

    private Object chat(String message, @Nullable String system) throws InterruptedException {
        OllamaClient client = Objects.requireNonNull(llm);
        try {
            JsonNode answer = client.chat(message, system);
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("response", answer.path("message").path("content").asText());
            result.put("model", answer.path("model").asText(client.config().model()));
            result.put("usage", OllamaClient.usage(answer));
            return result;
        } catch (OllamaClient.LlmException e) {
            return AgentResponse.failure(e.code(), e.getMessage());
        }
    }

    private Object generate(String prompt, @Nullable String system, boolean json) throws InterruptedException {
        OllamaClient client = Objects.requireNonNull(llm);
        try {
            JsonNode answer = client.generate(prompt, system, json);
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("response", answer.path("response").asText());
            result.put("model", answer.path("model").asText(client.config().model()));
            result.put("usage", OllamaClient.usage(answer));
            return result;
        } catch (OllamaClient.LlmException e) {
            return AgentResponse.failure(e.code(), e.getMessage());
        }
    }

    /**
     * Builder for {@link MaestroAgent}.
     *
     * <pre>{@code
     * MaestroAgent.builder()
     *         .planTable(PlanTable.builder().category("database", PlanTable.step("database", "db_health", Map.of(), "DB"))
     *                 .build())
     *         .ollama(new OllamaConfig(URI.create("http://localhost:11434"), "llama3.2", Duration.ofSeconds(20)))
     *         .build();
     * }</pre>
     */
    public static final class Builder {
        private @Nullable TaskAnalyzer analyzer;
        private PlanTable planTable = PlanTable.defaults();
        private @Nullable OllamaConfig ollama;

        private Builder() {
        }

        /** Replaces the analyzer (by default: rules, or the LLM with rules as fallback when one is configured). */
        public Builder analyzer(TaskAnalyzer analyzer) {
            this.analyzer = Objects.requireNonNull(analyzer, "analyzer");
            return this;
        }

        public Builder planTable(PlanTable planTable) {
            this.planTable = Objects.requireNonNull(planTable, "planTable");
            return this;
        }

        /** Enables LLM task analysis and the {@code chat} and {@code generate} capabilities. */
        public Builder ollama(OllamaConfig config) {
            this.ollama = Objects.requireNonNull(config, "config");
            return this;
        }

        public MaestroAgent build() {
            return new MaestroAgent(this);
        }
    }
}
