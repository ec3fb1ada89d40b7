package io.twisterlab.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The real command line in a child JVM: exit status 2 for bad configuration, graceful stop on SIGTERM, status 1 when
 * the drain time runs out.
 */
class ProcessIT {
    private static Process launch(Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("TWISTERLAB_"));
        pb.environment().put("TWISTERLAB_TEST_LOG_LEVEL", "INFO");
        pb.environment().putAll(env);
        return pb.start();
    }

    @Test
    void invalidConfigurationExitsWithStatus2AndOneLine() throws Exception {
        Process p = launch(Map.of("TWISTERLAB_TRUSTED_PROXIES", "everyone"));
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(output.strip()).isEqualTo("twisterlab: invalid setting ratelimit.trusted_proxies "
                + "(TWISTERLAB_TRUSTED_PROXIES): 'everyone' is not a CIDR like 10.0.0.0/8 or ::1/128");
    }

    @Test
    void sigtermStopsGracefully() throws Exception {
        Process p = launch(Map.of("TWISTERLAB_AGENTS_MAESTRO_ENABLED", "false"), "--port", "0");
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        Pattern listening = Pattern.compile("listening on (http://\\S+) with (\\d+) agents");
        URI base = null;
        String line;
        while (base == null && (line = out.readLine()) != null) {
            Matcher m = listening.matcher(line);
            if (m.find()) {
                base = URI.create(m.group(1));
                assertThat(m.group(2)).isEqualTo("3");
            }
        }
        assertThat(base).as("the server announced its address").isNotNull();
        HttpResponse<String> health = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(base.resolve("/health")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);

        p.toHandle().destroy(); // SIGTERM, without closing our end of the pipes
        StringBuilder rest = new StringBuilder();
        while ((line = out.readLine()) != null) {
            rest.append(line).append('\n');
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(rest.toString()).contains("SIGTERM received").contains("stopping: draining in-flight requests")
                .contains("stopped");
        assertThat(p.exitValue()).as("exit status after SIGTERM").isZero();
    }

    /**
     * SIGTERM while a request outlives the default drain time (10 s): the request is a maestro chat whose LLM
     * accepts the connection and never answers. The process gives up draining after the drain time, exits with
     * status 1 (a shutdown that failed, so a supervisor can tell) and the client's connection is closed.
     */
    @Test
    void aRequestOutlivingTheDefaultDrainTimeMakesTheExitStatus1() throws Exception {
        String key = "viewer-key-0123456789";
        List<Socket> held = new CopyOnWriteArrayList<>();
        CountDownLatch asked = new CountDownLatch(1);
        try (ServerSocket llm = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        Socket socket = llm.accept(); // never answered
                        held.add(socket);
                        // Maestro's background health check (GET /api/tags) connects too: only the chat counts
                        Thread reader = new Thread(() -> {
                            try {
                                String requestLine = new BufferedReader(new InputStreamReader(
                                        socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
                                if (requestLine != null && requestLine.startsWith("POST /api/chat")) {
                                    asked.countDown();
                                }
                            } catch (IOException closed) {
                                // the test is over
                            }
                        }, "silent-llm-reader");
                        reader.setDaemon(true);
                        reader.start();
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            }, "silent-llm");
            acceptor.setDaemon(true);
            acceptor.start();
            Process p = launch(Map.of("TWISTERLAB_LLM_URL", "http://127.0.0.1:" + llm.getLocalPort(),
                    "TWISTERLAB_LLM_TIMEOUT_MS", "120000",
                    "TWISTERLAB_API_KEYS", ServerConfig.apiKeyEntry("v", ServerConfig.Role.VIEWER, key)),
                    "--port", "0");
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
                        StandardCharsets.UTF_8));
                Pattern listening = Pattern.compile("listening on (http://\\S+)");
                URI base = null;
                String line;
                while (base == null && (line = out.readLine()) != null) {
                    Matcher m = listening.matcher(line);
                    if (m.find()) {
                        base = URI.create(m.group(1));
                    }
                }
                assertThat(base).as("the server announced its address").isNotNull();
                CompletableFuture<HttpResponse<String>> inFlight = HttpClient.newHttpClient().sendAsync(
                        HttpRequest.newBuilder(base.resolve("/api/v1/agents/maestro/capabilities/chat"))
                                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("{\"message\":\"hello\"}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(asked.await(60, TimeUnit.SECONDS)).as("the chat request reached the LLM").isTrue();

                long start = System.nanoTime();
                p.toHandle().destroy(); // SIGTERM
                StringBuilder rest = new StringBuilder();
                while ((line = out.readLine()) != null) {
                    rest.append(line).append('\n');
                }
                assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
                long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
                assertThat(rest.toString()).contains("SIGTERM received").contains("shutdown failed");
                assertThat(p.exitValue()).as("exit status; output: %s", rest).isEqualTo(1);
                assertThat(seconds).as("seconds from SIGTERM to exit: the 10 s drain, not the 120 s LLM timeout")
                        .isBetween(9L, 40L);
                assertThatThrownBy(() -> inFlight.get(30, TimeUnit.SECONDS)).as("what the client sees")
                        .isInstanceOf(ExecutionException.class).hasRootCauseInstanceOf(IOException.class);
            } finally {
                p.destroyForcibly();
                for (Socket socket : held) {
                    socket.close();
                }
            }
        }
    }
}
