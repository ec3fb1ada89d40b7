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

    /**
     * JSON logs: every line on stdout and on stderr is a JSON object; the generated admin key is in none of them but
     * in an owner-only file that one WARN event names, and the file is gone after exit.
     */
    @Test
    void jsonLogsStayJsonAndTheGeneratedKeyGoesToAnOwnerOnlyFile() throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dlogback.configurationFile=logback.xml", // the production configuration, not logback-test.xml
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "--port=0"));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().keySet().removeIf(k -> k.startsWith("TWISTERLAB_"));
        pb.environment().put("TWISTERLAB_TEST_LOG_LEVEL", "INFO");
        pb.environment().put("TWISTERLAB_LOG_FORMAT", "json");
        pb.environment().put("TWISTERLAB_AGENTS_MAESTRO_ENABLED", "false");
        Process p = pb.start();
        CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            List<String> lines = new ArrayList<>();
            Pattern listening = Pattern.compile("listening on (http://\\S+)");
            Pattern keyFile = Pattern.compile("read it from (\\S+) \\(owner-only");
            URI base = null;
            Path file = null;
            String line;
            while (file == null && (line = out.readLine()) != null) {
                lines.add(line);
                String message = Fixture.json(line).path("message").asText();
                Matcher m = listening.matcher(message);
                if (m.find()) {
                    base = URI.create(m.group(1));
                }
                Matcher k = keyFile.matcher(message);
                if (k.find()) {
                    file = Path.of(k.group(1));
                    assertThat(Fixture.json(line).path("level").asText()).isEqualTo("WARN");
                }
            }
            assertThat(base).as("the server announced its address: %s", lines).isNotNull();
            assertThat(file).as("a log event names the key file: %s", lines).isNotNull();
            String key = java.nio.file.Files.readString(file).strip();
            assertThat(key).matches("tlk_[A-Za-z0-9_-]{43}");
            assertThat(java.nio.file.Files.getPosixFilePermissions(file)).isEqualTo(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            HttpResponse<String> agents = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    base.resolve("/api/v1/agents")).header("Authorization", "Bearer " + key).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(agents.statusCode()).as("the key in the file is the generated admin key").isEqualTo(200);

            p.toHandle().destroy(); // SIGTERM
            while ((line = out.readLine()) != null) {
                lines.add(line);
            }
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isZero();
            assertThat(lines).as("stdout").hasSizeGreaterThan(3).allSatisfy(l -> {
                assertThat(Fixture.json(l).isObject()).as(l).isTrue();
                assertThat(l).doesNotContain(key);
            });
            List<String> errLines = stderr.get(30, TimeUnit.SECONDS).lines().toList();
            assertThat(errLines).as("stderr").allSatisfy(l -> {
                assertThat(Fixture.json(l).isObject()).as(l).isTrue();
                assertThat(l).doesNotContain(key);
            });
            assertThat(String.join("\n", lines)).contains("SIGTERM received");
            assertThat(file).as("deleted at exit").doesNotExist();
        } finally {
            p.destroyForcibly();
        }
    }

    /** A mistyped variable is named with the closest known one; each setting in force is logged once, on its own line. */
    @Test
    void aMistypedVariableIsWarnedAboutAndTheSettingsInForceAreLogged() throws Exception {
        Process p = launch(Map.of("TWISTERLAB_PROT", "9000", "TWISTERLAB_AGENTS_MAESTRO_ENABLED", "false",
                "TWISTERLAB_JWT_SECRET", "jwt-secret-0123456789-0123456789-01"), "--port=0");
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            StringBuilder seen = new StringBuilder();
            String line;
            while ((line = out.readLine()) != null && !line.contains("listening on")) {
                seen.append(line).append('\n');
            }
            assertThat(seen.toString()).containsPattern("WARN .*environment variable TWISTERLAB_PROT is not a "
                    + "TwisterLab setting and is ignored: did you mean TWISTERLAB_PORT\\?")
                    .containsPattern("INFO .*setting server.port=0 \\(flag\\)")
                    .containsPattern("INFO .*setting auth.jwt_secret=\\*\\*\\* \\(env\\)")
                    .containsPattern("INFO .*setting agents.maestro.enabled=false \\(env\\)")
                    .contains("settings in force: 3 set as above")
                    .doesNotContain("jwt-secret-0123456789");
            assertThat(seen.toString().split("settings in force", -1)).as("logged once").hasSize(2);
        } finally {
            p.destroyForcibly();
            p.waitFor(60, TimeUnit.SECONDS);
        }
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
