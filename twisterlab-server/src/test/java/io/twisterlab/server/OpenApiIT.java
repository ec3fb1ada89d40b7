package io.twisterlab.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import io.twisterlab.core.Capability;
import io.twisterlab.core.CoreAgent;
import io.twisterlab.server.ServerConfig.Role;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document of a server with the built-in agents: public, valid for swagger-parser with zero messages, and
 * in step with the routes Javalin really registered (both ways), so a new route cannot go undocumented. Also
 * {@code /docs} itself: its files, its own CSP, the redirects, the per-IP limit and {@code server.docs_enabled}.
 */
class OpenApiIT {
    private static final String VIEWER = "viewer-key-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    /** Routes of the documentation UI itself, not API operations: its files and the redirects to it. */
    private static final Set<String> UI_ROUTES = Set.of("GET /docs/{file}", "GET /redoc", "GET /swagger-ui",
            "GET /swagger-ui.html");
    private static final Set<String> PUBLIC = Set.of("GET /", "GET /health", "GET /ready", "GET /metrics",
            "GET /api/v1/system/health", "GET /api/v1/openapi.json", "GET /docs", "POST /api/v1/auth/token");

    static TwisterLabServer server;
    static String body;
    static JsonNode doc;

    @BeforeAll
    static void start() throws Exception {
        server = TwisterLabServer.builder(ServerConfig.fromSettings(settings(Map.of()))).build().start();
        HttpResponse<String> r = get(server, "/api/v1/openapi.json"); // no key: readable by default
        assertThat(r.statusCode()).isEqualTo(200);
        body = r.body();
        doc = JSON.readTree(body);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private static Map<String, String> settings(Map<String, String> extra) {
        Map<String, String> s = new HashMap<>();
        s.put("server.port", "0");
        s.put("database.url", "jdbc:h2:mem:openapi-it-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        s.put("auth.api_keys", ServerConfig.apiKeyEntry("viewer", Role.VIEWER, VIEWER));
        s.putAll(extra);
        return s;
    }

    @Test
    void swaggerParserValidatesItWithZeroMessages() {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult result = new OpenAPIV3Parser().readContents(body, null, options);
        assertThat(result.getMessages()).isEmpty();
        assertThat(result.getOpenAPI()).isNotNull();
        assertThat(result.getOpenAPI().getServers()).singleElement()
                .satisfies(s -> assertThat(s.getUrl()).isEqualTo("/"));
    }

    @Test
    void everyRegisteredRouteIsDocumentedAndEveryDocumentedRouteIsRegistered() {
        Set<String> registered = new TreeSet<>(server.registeredRoutes());
        registered.removeAll(UI_ROUTES);
        String capabilityRoute = "POST /api/v1/agents/{agent}/capabilities/{capability}";
        assertThat(registered).contains(capabilityRoute, "POST /mcp", "GET /api/v1/system/health");
        registered.remove(capabilityRoute);
        for (CoreAgent agent : server.registry().agents()) {
            for (Capability c : agent.capabilities()) {
                registered.add("POST /api/v1/agents/" + agent.name() + "/capabilities/" + c.name());
            }
        }
        assertThat(documented()).containsExactlyInAnyOrderElementsOf(registered);
    }

    @Test
    void everyOperationStatesItsSecurityAndPublicOnesAnEmptyList() {
        List<String> publicOps = new ArrayList<>();
        for (Map.Entry<String, JsonNode> path : doc.path("paths").properties()) {
            path.getValue().properties().forEach(op -> {
                JsonNode security = op.getValue().get("security");
                assertThat(security).as(op.getKey() + " " + path.getKey()).isNotNull();
                if (security.isEmpty()) {
                    publicOps.add(op.getKey().toUpperCase(java.util.Locale.ROOT) + " " + path.getKey());
                } else {
                    assertThat(security.toString()).isEqualTo("[{\"apiKey\":[]},{\"bearer\":[]}]");
                }
            });
        }
        assertThat(publicOps).containsExactlyInAnyOrderElementsOf(PUBLIC);
        assertThat(doc.path("components").path("securitySchemes").path("apiKey").path("name").asText())
                .isEqualTo("X-API-Key");
        assertThat(doc.path("components").path("securitySchemes").path("bearer").path("scheme").asText())
                .isEqualTo("bearer");
    }

    @Test
    void everyResponseWithABodyHasASchemaProblemsIncluded() {
        doc.path("paths").properties().forEach(path -> path.getValue().properties().forEach(op ->
                op.getValue().path("responses").properties().forEach(response -> {
                    String where = op.getKey() + " " + path.getKey() + " " + response.getKey();
                    if (response.getKey().equals("202")) {
                        return; // accepted: no body
                    }
                    JsonNode content = response.getValue().path("content");
                    assertThat(content.size()).as(where).isEqualTo(1);
                    String type = content.fieldNames().next();
                    JsonNode schema = content.path(type).path("schema");
                    assertThat(schema.isMissingNode()).as(where).isFalse();
                    if (response.getKey().startsWith("4") || response.getKey().startsWith("5")) {
                        assertThat(type).as(where).isEqualTo("application/problem+json");
                        assertThat(schema.path("$ref").asText()).isEqualTo("#/components/schemas/Problem");
                    }
                })));
    }

    @Test
    void eachCapabilityHasTheEnvelopeAndItsOwnInputSchemaAsComponents() {
        JsonNode schemas = doc.path("components").path("schemas");
        CoreAgent monitoring = server.registry().get("monitoring");
        Capability jvm = monitoring.capabilities().stream().filter(c -> c.name().equals("get_jvm_metrics"))
                .findFirst().orElseThrow();
        JsonNode op = doc.path("paths").path("/api/v1/agents/monitoring/capabilities/get_jvm_metrics").path("post");
        String input = op.path("requestBody").path("content").path("application/json").path("schema")
                .path("$ref").asText();
        assertThat(input).isEqualTo("#/components/schemas/monitoring.get_jvm_metrics.input");
        assertThat(schemas.path("monitoring.get_jvm_metrics.input")).isEqualTo(JSON.valueToTree(jvm.inputSchema()));
        assertThat(op.path("responses").path("200").path("content").path("application/json").path("schema")
                .path("$ref").asText()).isEqualTo("#/components/schemas/AgentResponse");
        assertThat(schemas.path("AgentResponse").path("required").toString())
                .isEqualTo("[\"success\",\"data\",\"error\",\"metadata\"]");
    }

    @Test
    void docsPageAndItsFilesComeFromThisServerUnderTheirOwnStrictCsp() throws Exception {
        HttpResponse<String> page = get(server, "/docs");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(csp).contains("script-src 'self';").doesNotContain("unsafe-inline").doesNotContain("http");
        assertThat(page.body()).contains("/docs/swagger-ui-bundle.js", "/docs/initializer.js")
                .doesNotContain("http://", "https://").doesNotContainPattern("<script>[^<]");
        for (String file : List.of("swagger-ui-bundle.js", "swagger-ui.css", "initializer.js", "favicon-32x32.png")) {
            assertThat(get(server, "/docs/" + file).statusCode()).as(file).isEqualTo(200);
        }
        assertThat(get(server, "/docs/initializer.js").body()).contains("'/api/v1/openapi.json'");
        // every other route keeps the API's CSP
        assertThat(get(server, "/health").headers().firstValue("Content-Security-Policy"))
                .hasValue("default-src 'none'; frame-ancestors 'none'");
        HttpResponse<String> unknown = get(server, "/docs/swagger-ui-es-bundle.js"); // in the jar, not served
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.headers().firstValue("Content-Type")).hasValueSatisfying(
                        t -> assertThat(t).startsWith("application/problem+json"));
        for (String alias : List.of("/redoc", "/swagger-ui")) {
            HttpResponse<String> r = get(server, alias);
            assertThat(r.statusCode()).isEqualTo(302);
            assertThat(r.headers().firstValue("Location")).hasValue("/docs");
        }
    }

    @Test
    void docsFilesAreCachedByVersionAndRevalidatedWithTheirEtag() throws Exception {
        HttpResponse<String> page = get(server, "/docs");
        assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-cache");
        String pageTag = page.headers().firstValue("ETag").orElseThrow();
        assertThat(pageTag).matches("\"[0-9a-f]{16}\"");
        HttpResponse<String> again = send(HttpRequest.newBuilder(URI.create(server.baseUri() + "/docs"))
                .header("If-None-Match", pageTag).GET().build());
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();

        Matcher links = Pattern.compile("\"/docs/([a-z0-9.-]+)\\?v=([0-9a-f]{16})\"").matcher(page.body());
        Map<String, String> versions = new HashMap<>();
        while (links.find()) {
            versions.put(links.group(1), links.group(2));
        }
        assertThat(versions).containsOnlyKeys("swagger-ui-bundle.js", "swagger-ui.css", "initializer.js",
                "favicon-32x32.png");
        for (Map.Entry<String, String> file : versions.entrySet()) {
            String path = "/docs/" + file.getKey();
            HttpResponse<String> versioned = get(server, path + "?v=" + file.getValue());
            assertThat(versioned.statusCode()).as(path).isEqualTo(200);
            assertThat(versioned.headers().firstValue("Cache-Control")).as(path)
                    .hasValue("public, max-age=31536000, immutable");
            assertThat(versioned.headers().firstValue("ETag")).as(path).hasValue("\"" + file.getValue() + "\"");
            // an old or invented version is never cached for long: after an upgrade the page links a new one
            HttpResponse<String> stale = get(server, path + "?v=0123456789abcdef");
            assertThat(stale.statusCode()).as(path).isEqualTo(200);
            assertThat(stale.headers().firstValue("Cache-Control")).as(path).hasValue("no-cache");
            HttpResponse<String> revalidated = send(HttpRequest.newBuilder(URI.create(server.baseUri() + path))
                    .header("If-None-Match", "\"other\", W/\"" + file.getValue() + "\"").GET().build());
            assertThat(revalidated.statusCode()).as(path).isEqualTo(304);
            assertThat(revalidated.body()).as(path).isEmpty();
        }
        HttpResponse<String> changed = send(HttpRequest.newBuilder(URI.create(server.baseUri() + "/docs/initializer.js"))
                .header("If-None-Match", "\"0123456789abcdef\"").GET().build());
        assertThat(changed.statusCode()).isEqualTo(200);
        assertThat(changed.body()).contains("'/api/v1/openapi.json'");
        // the API itself is never stored by a cache
        assertThat(get(server, "/health").headers().firstValue("Cache-Control")).hasValue("no-store");
    }

    @Test
    void publicDocsAreStillLimitedPerClientIp() throws Exception {
        try (TwisterLabServer limited = TwisterLabServer.builder(ServerConfig.fromSettings(
                settings(Map.of("ratelimit.default", "2/1m")))).build().start()) {
            assertThat(get(limited, "/docs").statusCode()).isEqualTo(200);
            assertThat(get(limited, "/api/v1/openapi.json").statusCode()).isEqualTo(200);
            for (String path : List.of("/docs", "/docs/initializer.js", "/api/v1/openapi.json")) {
                HttpResponse<String> r = get(limited, path);
                assertThat(r.statusCode()).as(path).isEqualTo(429);
                assertThat(JSON.readTree(r.body()).path("code").asText()).isEqualTo("rate_limited");
            }
        }
    }

    @Test
    void docsDisabledHidesThePageAndTheDocumentEvenFromAKey() throws Exception {
        try (TwisterLabServer hidden = TwisterLabServer.builder(ServerConfig.fromSettings(
                settings(Map.of("server.docs_enabled", "false")))).build().start()) {
            for (String path : List.of("/docs", "/docs/swagger-ui-bundle.js", "/api/v1/openapi.json", "/redoc")) {
                HttpResponse<String> r = send(HttpRequest.newBuilder(hidden.baseUri().resolve(path))
                        .header("X-API-Key", VIEWER).GET().build());
                assertThat(r.statusCode()).as(path).isEqualTo(404);
                assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                        t -> assertThat(t).startsWith("application/problem+json"));
            }
            JsonNode links = JSON.readTree(get(hidden, "/").body()).path("links");
            assertThat(links.has("docs")).isFalse();
            assertThat(links.has("openapi")).isFalse();
        }
    }

    private static Set<String> documented() {
        Set<String> out = new TreeSet<>();
        doc.path("paths").properties().forEach(path -> path.getValue().fieldNames().forEachRemaining(
                method -> out.add(method.toUpperCase(java.util.Locale.ROOT) + " " + path.getKey())));
        return out;
    }

    private static HttpResponse<String> get(TwisterLabServer s, String path) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(s.baseUri() + path)).GET().build());
    }

    private static HttpResponse<String> send(HttpRequest request) throws Exception {
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
