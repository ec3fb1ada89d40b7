package io.twisterlab.ratelimit.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A real {@code redis-server} process for integration tests. Which binary is an explicit choice, never whatever
 * happens to be on {@code PATH}: the system property {@value #BINARY_PROPERTY}, else the environment variable
 * {@value #BINARY_ENV}, names a binary (e.g. {@code /usr/bin/redis-server}, Debian's 7.x) or {@code embedded};
 * unset means {@code embedded}, the 6.2 shipped in {@code com.github.codemonstur:embedded-redis}. {@code .ci/run}
 * runs the Redis-backed tests once with each. Starting fails the test (never skips it) when no server comes up.
 *
 * <pre>{@code
 * try (RedisServerProcess redis = RedisServerProcess.start()) {
 *     RedisStore store = RedisStore.builder(redis.uri()).build();
 * }
 * }</pre>
 */
public final class RedisServerProcess implements AutoCloseable {

    private static final Duration STARTUP = Duration.ofSeconds(20);
    /** System property choosing the binary: a path, or {@code embedded}. */
    public static final String BINARY_PROPERTY = "twisterlab.test.redis-server";
    /** Environment variable choosing the binary when the property is unset: a path, or {@code embedded}. */
    public static final String BINARY_ENV = "TWISTERLAB_TEST_REDIS_SERVER";

    private final Path binary;
    private final int port;
    private final Path log;
    /** The {@code requirepass} of the server, or null for none. */
    private final @Nullable String password;
    private @Nullable Process process;

    private RedisServerProcess(Path binary, int port, @Nullable String password, boolean launch) throws IOException {
        this.binary = binary;
        this.port = port;
        this.password = password;
        this.log = Files.createTempFile("redis-" + port + "-", ".log");
        this.log.toFile().deleteOnExit();
        this.process = launch ? launch() : null;
    }

    /** @return a server on a free local port */
    public static RedisServerProcess start() {
        try {
            return new RedisServerProcess(findBinary(), freePort(), null, true);
        } catch (IOException e) {
            throw new AssertionError("cannot start redis-server: " + e, e);
        }
    }

    /**
     * @param password the server's {@code requirepass}, as the Redis of {@code k8s/} runs
     * @return a password-protected server on a free local port; {@link #uri(String)} builds URIs with a password
     */
    public static RedisServerProcess startWithPassword(String password) {
        try {
            return new RedisServerProcess(findBinary(), freePort(), password, true);
        } catch (IOException e) {
            throw new AssertionError("cannot start redis-server: " + e, e);
        }
    }

    /**
     * @return a server that is not running yet, on a port that was free when this was called: clients pointed at
     *         {@link #uri()} are refused until {@link #restart()} starts it
     */
    public static RedisServerProcess reserve() {
        try {
            return new RedisServerProcess(findBinary(), freePort(), null, false);
        } catch (IOException e) {
            throw new AssertionError("cannot prepare redis-server: " + e, e);
        }
    }

    /** @return {@code redis://127.0.0.1:<port>} */
    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /**
     * @param password the password to put in the URI
     * @return {@code redis://:<password>@127.0.0.1:<port>}
     */
    public String uri(String password) {
        return "redis://:" + password + "@127.0.0.1:" + port;
    }

    /** @return the binary this server runs */
    public Path binary() {
        return binary;
    }

    /** @return the port */
    public int port() {
        return port;
    }

    /** Kills the server (like a crash: no save, connections dropped). */
    public void stop() {
        Process p = process;
        if (p != null) {
            kill(p);
        }
    }

    /** Starts the server (again) on the same port, empty (no data, no cached scripts); returns once it answers. */
    public void restart() {
        try {
            process = launch();
        } catch (IOException e) {
            throw new AssertionError("cannot restart redis-server: " + e, e);
        }
    }

    @Override
    public void close() {
        stop();
    }

    private Process launch() throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of(binary.toString(), "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "no"));
        if (password != null) {
            command.addAll(List.of("--requirepass", password));
        }
        return spawn(command, log, port, password != null);
    }

    /**
     * Starts a Redis process (server or sentinel) and waits until it answers {@code PING} on {@code port}.
     *
     * @param command    the command line
     * @param log        where its output goes (read into the error when it does not come up)
     * @param port       the port it listens on
     * @param passworded whether {@code -NOAUTH} counts as an answer
     * @return the running process
     * @throws IOException if it cannot be started
     */
    static Process spawn(List<String> command, Path log, int port, boolean passworded) throws IOException {
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new AssertionError(command.get(0) + " exited with " + p.exitValue() + ": " + Files.readString(log));
            }
            if (pings(port, passworded)) {
                return p;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
        p.destroyForcibly();
        throw new AssertionError(command.get(0) + " did not answer PING within " + STARTUP + ": " + Files.readString(log));
    }

    /**
     * Kills a process like a crash and waits for it to end.
     *
     * @param p the process
     */
    static void kill(Process p) {
        p.destroyForcibly();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                throw new AssertionError("redis process did not stop");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static boolean pings(int port, boolean passworded) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            s.setSoTimeout(1000);
            OutputStream out = s.getOutputStream();
            // with requirepass, PING answers -NOAUTH: any reply means the server is up
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[7];
            int n = in.readNBytes(buf, 0, 7);
            String reply = new String(buf, 0, n, StandardCharsets.US_ASCII);
            return reply.equals("+PONG\r\n") || (passworded && reply.startsWith("-NOAUTH"));
        } catch (IOException e) {
            return false;
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    static Path findBinary() throws IOException {
        String choice = System.getProperty(BINARY_PROPERTY, System.getenv().getOrDefault(BINARY_ENV, "embedded"));
        if (!choice.isBlank() && !choice.equals("embedded")) {
            Path chosen = Path.of(choice);
            if (!Files.isExecutable(chosen)) {
                throw new AssertionError(BINARY_PROPERTY + "/" + BINARY_ENV + " names " + choice
                        + ", which is not an executable redis-server");
            }
            return chosen;
        }
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        String resource;
        if (os.contains("linux")) {
            resource = arch.contains("aarch64") || arch.contains("arm64") ? "redis-server-6.2.7-linux-arm64"
                    : List.of("amd64", "x86_64").contains(arch) ? "redis-server-6.2.6-v5-linux-amd64"
                    : "redis-server-6.2.7-linux-386";
        } else if (os.contains("mac")) {
            resource = arch.contains("aarch64") ? "redis-server-6.2.6-v5-darwin-arm64" : "redis-server-6.2.6-v5-darwin-amd64";
        } else {
            throw new AssertionError("no embedded redis-server for " + os + "/" + arch);
        }
        try (InputStream in = RedisServerProcess.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new AssertionError(resource + " is not on the class path");
            }
            Path dir = Files.createTempDirectory("embedded-redis");
            Path target = dir.resolve("redis-server");
            dir.toFile().deleteOnExit();
            target.toFile().deleteOnExit();
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            if (!target.toFile().setExecutable(true)) {
                throw new AssertionError("cannot make " + target + " executable");
            }
            return target;
        }
    }
}
