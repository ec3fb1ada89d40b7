package io.twisterlab.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.twisterlab.core.CoreAgent;
import io.twisterlab.server.ServerConfig.Role;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Starts a server on a random port with three API keys and talks to it with the JDK HttpClient. */
final class Fixture implements AutoCloseable {
    static final String VIEWER = "viewer-key-0123456789";
    static final String OPERATOR = "operator-key-0123456789";
    static final String ADMIN = "admin-key-0123456789";
    static final ObjectMapper JSON = new ObjectMapper();

    final TwisterLabServer server;
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    Fixture(Map<String, String> settings, CoreAgent... agents) {
        this(settings, List.of(), agents);
    }

    Fixture(Map<String, String> settings, List<ServerExtension> extensions, CoreAgent... agents) {
        Map<String, String> all = new HashMap<>();
        all.put("server.port", "0");
        all.put("auth.api_keys", ServerConfig.apiKeyEntry("viewer", Role.VIEWER, VIEWER)
                + "," + ServerConfig.apiKeyEntry("operator", Role.OPERATOR, OPERATOR)
                + "," + ServerConfig.apiKeyEntry("root", Role.ADMIN, ADMIN));
        all.put("ratelimit.default", "100000/1s");
        all.putAll(settings);
        TwisterLabServer.Builder b = TwisterLabServer.builder(ServerConfig.fromSettings(all)).discoverAgents(false);
        for (CoreAgent a : agents) {
            b.agent(a);
        }
        extensions.forEach(b::extension);
        server = b.build().start();
    }

    Fixture(CoreAgent... agents) {
        this(Map.of(), agents);
    }

    URI uri(String path) {
        return server.baseUri().resolve(path);
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<String> get(String path, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        return send(b.build());
    }

    HttpResponse<String> post(String path, String contentType, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (headers.length > 0) {
            b.headers(headers);
        }
        return send(b.build());
    }

    HttpResponse<String> execute(String key, String agent, String capability, String jsonBody) {
        return post("/api/v1/agents/" + agent + "/capabilities/" + capability, "application/json", jsonBody,
                "Authorization", "Bearer " + key);
    }

    static JsonNode json(HttpResponse<String> response) {
        return json(response.body());
    }

    static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> auth(String key) {
        return List.of("Authorization", "Bearer " + key);
    }

    @Override
    public void close() {
        server.stop();
    }
}
