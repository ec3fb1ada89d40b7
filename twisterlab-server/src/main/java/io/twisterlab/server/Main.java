package io.twisterlab.server;

import io.twisterlab.core.AgentRegistrationException;
import io.twisterlab.core.spi.AgentProvider;
import io.twisterlab.core.spi.SettingKey;
import io.twisterlab.server.auth.Authenticator;
import io.twisterlab.server.config.Redaction;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/**
 * Command line: {@code java -jar twisterlab-server.jar [--port N] [--host H] [--config FILE] [--log-format F]},
 * {@code --help}, {@code --version}, {@code keygen [--name NAME] [--role ROLE]} and
 * {@code hash-password [--user NAME [--role ROLE]] [--cost N]}; every option also takes the {@code --opt=value} form.
 *
 * <p>Exit status: 2 for invalid usage or configuration (one message naming the setting, no stack trace), 1 if the
 * server cannot start; 0 after SIGTERM or SIGINT, once the server has shut down gracefully (stopped accepting,
 * drained in-flight requests, stopped the agents, closed the pools). Other exits (e.g. {@code System.exit} from
 * elsewhere, or a JVM without {@code sun.misc.Signal}) still stop the server through a shutdown hook.
 *
 * <pre>{@code
 * java -jar twisterlab-server/target/twisterlab-server.jar --port 9000
 * java -jar twisterlab-server/target/twisterlab-server.jar keygen --name ci --role operator
 * }</pre>
 */
public final class Main {
    /** The server's options and the settings they set. */
    private static final Map<String, String> SERVER_OPTIONS = Map.of("--port", "server.port", "--host",
            "server.host", "--config", "config.file", "--log-format", "log.format");

    private Main() {
    }

    public static void main(String[] args) {
        int status = run(args, System.getenv(), System.out, System.err, true);
        if (status != 0) {
            System.exit(status);
        }
    }

    /**
     * Runs the CLI. With {@code block} false a started server is stopped right away (tests).
     *
     * @return the exit status
     */
    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err, boolean block) {
        return run(args, env, System.in, out, err, block);
    }

    /**
     * Runs the CLI reading {@code hash-password}'s password from {@code in} (a prompt without echo instead when
     * {@code in} is the standard input of an interactive console).
     *
     * @return the exit status
     */
    static int run(String[] args, Map<String, String> env, InputStream in, PrintStream out, PrintStream err,
            boolean block) {
        List<String> list = List.of(args);
        if (!list.isEmpty() && list.get(0).equals("keygen")) {
            return keygen(list.subList(1, list.size()), out, err);
        }
        if (!list.isEmpty() && list.get(0).equals("hash-password")) {
            return PasswordCommand.run(list.subList(1, list.size()), in, out, err);
        }
        ErrorLines errors = ErrorLines.of(err, env.get("TWISTERLAB_LOG_FORMAT"), Clock.systemUTC());
        Map<String, String> opts = new LinkedHashMap<>();
        Optional<String> invalidArgument = Options.parse("", list, List.copyOf(SERVER_OPTIONS.keySet()),
                List.of("--help", "--version"), opts);
        if (opts.containsKey("--log-format")) {
            errors.format(opts.get("--log-format")); // an error after --log-format=json is a JSON line too
        }
        if (invalidArgument.isPresent()) {
            errors.print(invalidArgument.get());
            return 2;
        }
        if (opts.containsKey("--help")) {
            out.print(help());
            return 0;
        }
        if (opts.containsKey("--version")) {
            out.println("twisterlab-server " + TwisterLabServer.version() + " (git " + TwisterLabServer.revision() + ")");
            return 0;
        }
        Map<String, String> flags = new LinkedHashMap<>();
        SERVER_OPTIONS.forEach((option, setting) -> {
            String value = opts.get(option);
            if (value != null) {
                flags.put(setting, value);
            }
        });
        ServerConfig config;
        try {
            config = ServerConfig.load(null, env, flags);
        } catch (ConfigException e) {
            errors.print("twisterlab: " + e.getMessage());
            return 2;
        }
        errors.format(config.logFormat().name());
        // before the first logger is created: choose the Logback appender (text or json)
        System.setProperty("twisterlab.log.format", config.logFormat().name().toLowerCase(Locale.ROOT));
        org.slf4j.Logger log = LoggerFactory.getLogger(Main.class);
        for (String unknown : SettingsReport.unknownVariables(env)) {
            log.warn("{}", unknown);
        }
        for (String line : SettingsReport.describe(env, flags)) {
            log.info("{}", line);
        }

        TwisterLabServer server;
        try {
            server = TwisterLabServer.start(config);
        } catch (AgentRegistrationException e) {
            if (e.getCause() instanceof IllegalArgumentException invalid) {
                // an agent provider refused its configuration: a configuration error like any other
                errors.print("twisterlab: invalid configuration: " + redact(invalid.getMessage()));
                return 2;
            }
            errors.print("twisterlab: cannot start: " + redact(e.getMessage()));
            return 1;
        } catch (ConfigException e) { // a setting only checkable against the agents, e.g. server.ready_requires
            errors.print("twisterlab: " + e.getMessage());
            return 2;
        } catch (RuntimeException e) {
            errors.print("twisterlab: cannot start: " + redact(e.getMessage()));
            return 1;
        }
        server.generatedAdminKey().ifPresent(key -> {
            if (config.logFormat() == ServerConfig.LogFormat.JSON) {
                announceKeyFile(key, server); // never a plain line among the JSON, never the key in a log event
            } else {
                out.print(banner(key, server));
            }
        });
        out.flush();
        if (!block) {
            server.stop();
            return 0;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicInteger exitStatus = new AtomicInteger();
        Runnable stop = () -> {
            try {
                server.stop(); // idempotent: whichever of the signal handler and the hook comes second returns at once
            } catch (RuntimeException | Error e) {
                exitStatus.set(1);
                LoggerFactory.getLogger(Main.class).error("shutdown failed: {}", redact(e.toString()));
            } finally {
                stopped.countDown();
            }
        };
        // other exits (System.exit elsewhere, signals this JVM would not let us handle): the JVM runs the hook
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "twisterlab-shutdown"));
        // SIGTERM/SIGINT: an orderly stop that supervisors should see as success, so status 0 rather than the
        // JVM's 128 + signal (1 if stopping failed). The drain is bounded by server.shutdown_timeout_ms; a repeated
        // signal while it runs is ignored (SIGKILL remains the way to cut it short).
        AtomicBoolean signalled = new AtomicBoolean();
        Signals.handle(name -> {
            if (!signalled.compareAndSet(false, true)) {
                return;
            }
            LoggerFactory.getLogger(Main.class).info("SIG{} received: shutting down", name);
            stop.run();
            System.exit(exitStatus.get()); // the hook runs too but finds the server stopped
        }, "TERM", "INT");
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return exitStatus.get(); // main() exits with it, whichever thread gets there first: the same status
    }

    /** Start-up errors may quote URLs: never print their credentials. */
    static String redact(@Nullable String message) {
        return Redaction.message(message);
    }

    /**
     * JSON logs: the generated key goes to a new owner-only file in {@code java.io.tmpdir} (deleted when the JVM
     * exits) and one WARN event names that file. So every line on stdout stays JSON, log shippers keep working, and
     * the credential never reaches log aggregation; whoever can read the process's files can read the key.
     */
    private static void announceKeyFile(String key, TwisterLabServer server) {
        org.slf4j.Logger log = LoggerFactory.getLogger(Main.class);
        try {
            Path file = writeOwnerOnly(key + System.lineSeparator());
            file.toFile().deleteOnExit();
            log.warn("No API key is configured, so an admin key was generated for this run only; it is not logged: "
                    + "read it from {} (owner-only permissions, deleted at exit), e.g. curl -H \"Authorization: "
                    + "Bearer $(cat {})\" {}/api/v1/agents. Keep a key across restarts: "
                    + "java -jar twisterlab-server.jar keygen", file, file, server.baseUri());
        } catch (IOException | UnsupportedOperationException e) {
            log.error("No API key is configured and the generated admin key could not be written to a file ({}); "
                    + "it is not logged, so configure a key: java -jar twisterlab-server.jar keygen", e.toString());
        }
    }

    static Path writeOwnerOnly(String content) throws IOException {
        Path file;
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            file = Files.createTempFile("twisterlab-admin-key-", ".txt",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            file = Files.createTempFile("twisterlab-admin-key-", ".txt");
            File f = file.toFile();
            @SuppressWarnings("ShortCircuitBoolean") // & on purpose: all four calls must run
            boolean restricted = f.setReadable(false, false) & f.setReadable(true, true)
                    & f.setWritable(false, false) & f.setWritable(true, true);
            if (!restricted) {
                Files.delete(file);
                throw new IOException("cannot restrict the permissions of " + file);
            }
        }
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }

    private static String banner(String key, TwisterLabServer server) {
        String nl = System.lineSeparator();
        return nl + "================================================================================" + nl
                + " No API key is configured, so this admin key was generated for this run only" + nl
                + " (kept in memory, shown once, gone at restart):" + nl + nl
                + "     " + key + nl + nl
                + " Try:  curl -H 'Authorization: Bearer " + key + "' " + server.baseUri() + "/api/v1/agents" + nl
                + " Keep a key across restarts:  java -jar twisterlab-server.jar keygen" + nl
                + "================================================================================" + nl;
    }

    static final String KEYGEN_USAGE = "Usage: java -jar twisterlab-server.jar keygen [--name NAME] "
            + "[--role viewer|operator|admin]";

    private static int keygen(List<String> args, PrintStream out, PrintStream err) {
        Map<String, String> opts = new LinkedHashMap<>();
        Optional<String> invalid = Options.parse("keygen", args, List.of("--name", "--role"), List.of("--help"),
                opts);
        if (invalid.isPresent()) {
            err.println(invalid.get());
            return 2;
        }
        if (opts.containsKey("--help")) {
            out.println(KEYGEN_USAGE);
            out.println();
            out.println("Generates a random API key and prints it with the TWISTERLAB_API_KEYS entry holding its");
            out.println("SHA-256 hash.");
            out.println("  --name NAME   key name, [A-Za-z0-9._-]{1,64} [admin]");
            out.println("  --role ROLE   viewer | operator | admin [admin]");
            return 0;
        }
        String name = opts.getOrDefault("--name", "admin");
        String role = opts.getOrDefault("--role", "admin").toLowerCase(Locale.ROOT);
        if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
            err.println("twisterlab keygen: --name must match [A-Za-z0-9._-]{1,64}");
            return 2;
        }
        if (!List.of("viewer", "operator", "admin").contains(role)) {
            err.println("twisterlab keygen: --role must be viewer, operator or admin");
            return 2;
        }
        String key = Authenticator.randomKey();
        out.println("API key (shown once; give it to the client, do not store it in configuration):");
        out.println();
        out.println("    " + key);
        out.println();
        out.println("Register its hash (append to a comma-separated list, or to auth.api_keys in YAML):");
        out.println();
        out.println("    TWISTERLAB_API_KEYS=" + ServerConfig.apiKeyEntry(name, ServerConfig.Role.parse(role), key));
        return 0;
    }

    static String help() {
        StringBuilder b = new StringBuilder();
        b.append("""
                Usage: java -jar twisterlab-server.jar [options]
                       java -jar twisterlab-server.jar keygen [--name NAME] [--role viewer|operator|admin]
                       java -jar twisterlab-server.jar hash-password [--user NAME [--role ROLE]] [--cost N]

                Commands (each takes --help):
                  keygen            generate an API key and its TWISTERLAB_API_KEYS entry
                  hash-password     bcrypt-hash a password (stdin or prompt) for TWISTERLAB_USERS

                Options:
                  --port N          TCP port (TWISTERLAB_PORT, default 8000; 0 = random)
                  --host H          bind address (TWISTERLAB_HOST, default 127.0.0.1)
                  --config FILE     YAML configuration file (TWISTERLAB_CONFIG)
                  --log-format F    text | json (TWISTERLAB_LOG_FORMAT)
                  --help, -h        this help
                  --version, -V     print the version and git revision
                Every option also takes the --option=value form.

                Precedence: defaults < YAML file < environment < options. Settings:
                """);
        for (Settings.Setting s : Settings.all()) {
            b.append(String.format(Locale.ROOT, "  %-38s %-28s %s%n", s.env() == null ? "" : s.env(), s.key(),
                    s.description() + (s.defaultValue().isEmpty() ? "" : " [" + s.defaultValue() + "]")));
        }
        b.append("  TWISTERLAB_AGENTS_<NAME>_ENABLED       agents.<name>.enabled        enable/disable an agent\n");
        b.append("  TWISTERLAB_AGENTS_<NAME>_<KEY>         agents.<name>.<key>          a setting of one agent, built-in or"
                + " plugin (a name with - or _: TWISTERLAB_AGENTS_MY_AGENT__KEY)\n");
        b.append("\nSettings of the built-in agents (old names above still accepted):\n");
        for (AgentProvider provider : ServiceLoader.load(AgentProvider.class, Main.class.getClassLoader())) {
            for (SettingKey k : provider.settingKeys()) {
                b.append(String.format(Locale.ROOT, "  %-38s %-28s %s%n",
                        Settings.agentEnv(k.agent(), k.key()).orElse(""), k.fullName(), k.description()));
            }
        }
        return b.toString();
    }
}
