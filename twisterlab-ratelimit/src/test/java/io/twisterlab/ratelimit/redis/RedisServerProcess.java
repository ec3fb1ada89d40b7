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
 * A real {@code redis-server} process for integration tests: the binary on {@code PATH} if there is one, otherwise
 * the one shipped in {@code com.github.codemonstur:embedded-redis}. Starting fails the test (never skips it) when
 * no server comes up.
 *
 * <pre>{@code
 * try (RedisServerProcess redis = RedisServerProcess.start()) {
 *     RedisStore store = RedisStore.builder(redis.uri()).build();
 * }
 * }</pre>
 */
public final class RedisServerProcess implements AutoCloseable {

    private static final Duration STARTUP = Duration.ofSeconds(20);

    private final Path binary;
    private final int port;
    private final Path log;
    private @Nullable Process process;

    private RedisServerProcess(Path binary, int port, boolean launch) throws IOException {
        this.binary = binary;
        this.port = port;
        this.log = Files.createTempFile("redis-" + port + "-", ".log");
        this.log.toFile().deleteOnExit();
        this.process = launch ? launch() : null;
    }

    /** @return a server on a free local port */
    public static RedisServerProcess start() {
        try {
            return new RedisServerProcess(findBinary(), freePort(), true);
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
            return new RedisServerProcess(findBinary(), freePort(), false);
        } catch (IOException e) {
            throw new AssertionError("cannot prepare redis-server: " + e, e);
        }
    }

    /** @return {@code redis://127.0.0.1:<port>} */
    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** @return the port */
    public int port() {
        return port;
    }

    /** Kills the server (like a crash: no save, connections dropped). */
    public void stop() {
        Process p = process;
        if (p == null) {
            return;
        }
        p.destroyForcibly();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                throw new AssertionError("redis-server did not stop");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
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
        Process p = new ProcessBuilder(binary.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--protected-mode", "no")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new AssertionError("redis-server exited with " + p.exitValue() + ": " + Files.readString(log));
            }
            if (pings()) {
                return p;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
        p.destroyForcibly();
        throw new AssertionError("redis-server did not answer PING within " + STARTUP + ": " + Files.readString(log));
    }

    private boolean pings() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            s.setSoTimeout(1000);
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[7];
            int n = in.readNBytes(buf, 0, 7);
            return new String(buf, 0, n, StandardCharsets.US_ASCII).equals("+PONG\r\n");
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    private static Path findBinary() throws IOException {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "redis-server");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
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
            throw new AssertionError("no redis-server on PATH and no embedded binary for " + os + "/" + arch);
        }
        try (InputStream in = RedisServerProcess.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new AssertionError("no redis-server on PATH and " + resource + " is not on the class path");
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
