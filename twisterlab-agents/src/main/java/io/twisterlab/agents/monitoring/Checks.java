package io.twisterlab.agents.monitoring;

import io.twisterlab.agents.cache.CacheBackend;
import io.twisterlab.agents.cache.CacheBackendException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Supplier;
import javax.net.ssl.SSLSocketFactory;
import org.jspecify.annotations.Nullable;

/** The built-in {@link ServiceCheck} implementations. */
final class Checks {
    private Checks() {
    }

    record Jdbc(String name, String url, String username, String password, Duration timeout) implements ServiceCheck {
        @Override
        public String kind() {
            return "jdbc";
        }

        @Override
        public Result check() throws Exception {
            Properties props = new Properties();
            if (!username.isEmpty()) {
                props.setProperty("user", username);
            }
            if (!password.isEmpty()) {
                props.setProperty("password", password);
            }
            int seconds = (int) Math.max(1, timeout.toSeconds());
            try (Connection connection = DriverManager.getConnection(url, props)) {
                return connection.isValid(seconds)
                        ? Result.healthy("connection opened and validated")
                        : Result.unhealthy("connection opened but failed validation");
            }
        }

        @Override
        public String toString() {
            return "Jdbc[" + name + "]";
        }
    }

    record Redis(String name, URI uri, Duration timeout) implements ServiceCheck {
        @Override
        public String kind() {
            return "redis";
        }

        @Override
        public Result check() throws IOException {
            boolean tls = "rediss".equalsIgnoreCase(uri.getScheme());
            String host = uri.getHost() == null ? "localhost" : uri.getHost();
            int port = uri.getPort() > 0 ? uri.getPort() : 6379;
            int millis = (int) Math.max(1, timeout.toMillis());
            try (Socket plain = new Socket()) {
                plain.connect(new InetSocketAddress(host, port), millis);
                plain.setSoTimeout(millis);
                Socket socket = tls
                        ? ((SSLSocketFactory) SSLSocketFactory.getDefault()).createSocket(plain, host, port, true)
                        : plain;
                OutputStream out = socket.getOutputStream();
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                        StandardCharsets.UTF_8));
                List<String> auth = credentials();
                if (!auth.isEmpty()) {
                    out.write(resp(auth));
                    out.flush();
                    String reply = in.readLine();
                    if (reply == null || !reply.startsWith("+")) {
                        return Result.unhealthy("reachable, but authentication failed");
                    }
                }
                out.write(resp(List.of("PING")));
                out.flush();
                String reply = in.readLine();
                if ("+PONG".equals(reply)) {
                    return Result.healthy("PING answered PONG");
                }
                return Result.unhealthy("reachable, but PING was answered with "
                        + (reply == null ? "nothing" : reply.length() > 80 ? reply.substring(0, 80) : reply));
            }
        }

        private List<String> credentials() {
            String userInfo = uri.getRawUserInfo();
            if (userInfo == null || userInfo.isEmpty()) {
                return List.of();
            }
            int colon = userInfo.indexOf(':');
            List<String> command = new ArrayList<>();
            command.add("AUTH");
            if (colon < 0) {
                command.add(decode(userInfo));
            } else {
                String user = decode(userInfo.substring(0, colon));
                if (!user.isEmpty()) {
                    command.add(user);
                }
                command.add(decode(userInfo.substring(colon + 1)));
            }
            return command;
        }

        private static String decode(String s) {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        }

        private static byte[] resp(List<String> parts) {
            StringBuilder sb = new StringBuilder("*").append(parts.size()).append("\r\n");
            for (String part : parts) {
                sb.append('$').append(part.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(part)
                        .append("\r\n");
            }
            return sb.toString().getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "Redis[" + name + ", " + uri.getHost() + ":" + uri.getPort() + "]";
        }
    }

    /**
     * A Sentinel or Cluster URL: {@code PING} to the master (every master of a Cluster) through one Lettuce client
     * kept for the check's lifetime, created on the first probe and closed with the check: building a client with its
     * event loop threads for every probe costs far more than the probe (the standalone check needs no client).
     */
    static final class RedisTopology implements ServiceCheck {
        private final String name;
        private final String redacted;
        private final Supplier<CacheBackend> factory;
        private final Object lock = new Object();
        private @Nullable CacheBackend backend; // guarded by lock
        private boolean closed; // guarded by lock

        /**
         * @param name     the service's name in the report
         * @param redacted the URL without credentials, for {@link #toString()}
         * @param factory  creates the client (not started); called at most once
         */
        RedisTopology(String name, String redacted, Supplier<CacheBackend> factory) {
            this.name = name;
            this.redacted = redacted;
            this.factory = factory;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String kind() {
            return "redis";
        }

        @Override
        public Result check() {
            CacheBackend b;
            synchronized (lock) { // concurrent first probes share one client
                if (closed) {
                    return Result.unhealthy("the check is closed");
                }
                b = backend;
                if (b == null) {
                    b = factory.get();
                    b.start(); // never throws for an unreachable Redis: ping() connects when it is back
                    backend = b;
                }
            }
            try {
                b.ping();
                return Result.healthy("PING answered by every master");
            } catch (CacheBackendException e) {
                return Result.unhealthy(e.reason() == CacheBackendException.Reason.AUTHENTICATION
                        ? "reachable, but authentication failed" : "no master answered PING");
            }
        }

        /** Closes the client, if a probe created one; later probes report the check closed. */
        @Override
        public void close() {
            CacheBackend b;
            synchronized (lock) {
                closed = true;
                b = backend;
                backend = null;
            }
            if (b != null) {
                b.close();
            }
        }

        @Override
        public String toString() {
            return "RedisTopology[" + name + ", " + redacted + "]";
        }
    }

    record Http(String name, URI uri, Duration timeout) implements ServiceCheck {
        @Override
        public String kind() {
            return "http";
        }

        @Override
        public Result check() throws IOException, InterruptedException {
            HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).build();
            HttpResponse<Void> response = client.send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            int status = response.statusCode();
            return status / 100 == 2
                    ? Result.healthy("GET " + uri.getPath() + " answered " + status)
                    : Result.unhealthy("GET " + uri.getPath() + " answered " + status);
        }
    }
}
