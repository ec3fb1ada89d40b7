package io.twisterlab.e2e;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code java -jar twisterlab-server.jar} process, configured through its environment the way an operator runs
 * it. It listens on a free port ({@code TWISTERLAB_PORT=0}; the bound port is read from its start-up line), its
 * stdout and stderr go to {@code target/e2e-logs/<test>-<n>.log}, and it is registered with {@link Cleanup}.
 *
 * <pre>{@code
 * ServerProcess server = ServerProcess.builder("SharedLimitIT.redis", 1)
 *         .env("TWISTERLAB_RATELIMIT_STORE", "redis").env("TWISTERLAB_REDIS_URL", redis.uri())
 *         .start().awaitReady();
 * }</pre>
 */
final class ServerProcess implements AutoCloseable {
    static final Duration STARTUP = Duration.ofSeconds(90);
    private static final Pattern LISTENING = Pattern.compile("listening on http://[^:\\s]+:(\\d+)");

    private final String name;
    private final Process process;
    private final Path log;
    private volatile int port = -1;

    private ServerProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** The packaged server jar, from the {@code twisterlab.server.jar} system property set by the pom. */
    static Path jar() {
        String configured = System.getProperty("twisterlab.server.jar");
        if (configured == null || configured.isBlank()) {
            throw new IllegalStateException("system property twisterlab.server.jar is not set: run the e2e tests "
                    + "through Maven (./mvnw -B verify), which sets it to twisterlab-server/target/twisterlab-server.jar");
        }
        Path jar = Path.of(configured).toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("the packaged server jar " + jar + " does not exist: build it first "
                    + "(./mvnw -B -pl twisterlab-e2e-tests -am verify builds twisterlab-server before the e2e tests)");
        }
        return jar;
    }

    static Path logDir() {
        Path dir = Path.of(System.getProperty("twisterlab.e2e.logs", "target/e2e-logs"));
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * @param test  the test name, used for the log file
     * @param index the instance number within the test
     */
    static Builder builder(String test, int index) {
        return new Builder(test + "-" + index);
    }

    String name() {
        return name;
    }

    Path log() {
        return log;
    }

    int port() {
        if (port < 0) {
            throw new IllegalStateException(name + " has not reported its port yet");
        }
        return port;
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    Process process() {
        return process;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String logText() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    /** The last lines of the log, for failure messages. */
    String logTail() {
        String[] lines = logText().split("\n");
        StringBuilder b = new StringBuilder();
        for (int i = Math.max(0, lines.length - 40); i < lines.length; i++) {
            b.append("    | ").append(lines[i]).append('\n');
        }
        return "log " + log + ":\n" + b;
    }

    /** Waits for the start-up line with the bound port. */
    ServerProcess awaitPort() {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = LISTENING.matcher(logText());
            if (m.find()) {
                port = Integer.parseInt(m.group(1));
                return this;
            }
            if (!process.isAlive()) {
                fail(name + " exited with status " + process.exitValue() + " before listening; " + logTail());
            }
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
        return fail(name + " did not start listening within " + STARTUP + "; " + logTail());
    }

    /** Waits until {@code GET /ready} answers 200 (ready or degraded). */
    ServerProcess awaitReady() {
        if (port < 0) {
            awaitPort();
        }
        long deadline = System.nanoTime() + STARTUP.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                fail(name + " exited with status " + process.exitValue() + " before it was ready; " + logTail());
            }
            try {
                HttpResponse<String> r = Http.get(uri("/ready"), Map.of(), Duration.ofSeconds(5));
                if (r.statusCode() == 200) {
                    return this;
                }
                last = r.statusCode() + " " + r.body();
            } catch (RuntimeException e) {
                last = e.toString();
            }
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
        return fail(name + " was not ready within " + STARTUP + " (last: " + last + "); " + logTail());
    }

    /** Sends SIGTERM (on Linux {@link Process#destroy()}) and waits for the exit status. */
    int terminate(Duration timeout) {
        process.destroy();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill();
                fail(name + " did not exit within " + timeout + " after SIGTERM; " + logTail());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
            throw new IllegalStateException(e);
        }
    }

    /** SIGKILL and wait. */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGTERM with a deadline, then SIGKILL: never leaves the process behind. */
    @Override
    public void close() {
        Cleanup.unregister(this);
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                kill();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
        }
    }

    @Override
    public String toString() {
        return "ServerProcess[" + name + ", port " + port + ", pid " + process.pid() + "]";
    }

    /** Configures and starts a server process. */
    static final class Builder {
        private final String name;
        private final Map<String, String> env = new LinkedHashMap<>();
        private final List<String> jvmArgs = new ArrayList<>();
        private final List<String> args = new ArrayList<>();
        private String heap = "128m";

        private Builder(String name) {
            this.name = name;
            env.put("TWISTERLAB_HOST", "127.0.0.1");
            env.put("TWISTERLAB_PORT", "0");
        }

        Builder env(String key, String value) {
            env.put(key, value);
            return this;
        }

        Builder env(Map<String, String> values) {
            env.putAll(values);
            return this;
        }

        Builder jvmArg(String arg) {
            jvmArgs.add(arg);
            return this;
        }

        Builder arg(String arg) {
            args.add(arg);
            return this;
        }

        /** {@code -Xmx} (default 128m). */
        Builder heap(String xmx) {
            this.heap = xmx;
            return this;
        }

        List<String> command() {
            List<String> cmd = new ArrayList<>();
            cmd.add(javaBinary());
            cmd.add("-Xmx" + heap);
            cmd.add("-Xss512k");
            cmd.add("-XX:+UseSerialGC");
            cmd.add("-XX:TieredStopAtLevel=1");
            cmd.add("-Xshare:auto");
            cmd.add("-XX:+ExitOnOutOfMemoryError");
            cmd.addAll(jvmArgs);
            cmd.add("-jar");
            cmd.add(jar().toString());
            cmd.addAll(args);
            return cmd;
        }

        ServerProcess start() {
            Path log = logDir().resolve(name + ".log");
            ProcessBuilder pb = new ProcessBuilder(command())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
            // hermetic: nothing from the developer's or CI's environment configures the server
            pb.environment().keySet().removeIf(k -> k.startsWith("TWISTERLAB_"));
            pb.environment().putAll(env);
            try {
                return Cleanup.register(new ServerProcess(name, pb.start(), log));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start " + pb.command(), e);
            }
        }
    }
}
