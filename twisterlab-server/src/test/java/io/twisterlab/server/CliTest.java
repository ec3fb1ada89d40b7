package io.twisterlab.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.twisterlab.server.auth.Authenticator;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Subcommands and their options: {@code hash-password}, {@code --help} everywhere, {@code --opt=value}. */
class CliTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String stdin, String... args) {
        return Main.run(args, Map.of(), new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                false);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void hashPasswordPrintsAUsersEntryThatTheServersPasswordCheckAccepts() {
        String password = "correct horse battery stäple";
        assertThat(run(password + "\r\n", "hash-password", "--user=olga", "--role", "operator", "--cost=4")).isZero();
        String entry = out().strip();
        assertThat(entry).matches("olga:operator:\\$2a\\$04\\$[./A-Za-z0-9]{53}");
        assertThat(err()).isEmpty();
        ServerConfig config = ServerConfig.load(null, Map.of("TWISTERLAB_USERS", entry), Map.of());
        Authenticator auth = new Authenticator(config.auth(), Clock.systemUTC());
        assertThat(auth.checkPassword("olga", password.toCharArray())).hasValueSatisfying(
                u -> assertThat(u.role()).isEqualTo(ServerConfig.Role.OPERATOR));
        assertThat(auth.checkPassword("olga", "correct horse battery staple".toCharArray())).isEmpty();
    }

    @Test
    void hashPasswordWithoutUserPrintsOnlyTheHashAtCost12ByDefault() {
        assertThat(run("pw\n", "hash-password")).isZero();
        assertThat(out().strip()).matches("\\$2a\\$12\\$[./A-Za-z0-9]{53}");
    }

    @Test
    void hashPasswordRefusesEmptyAndOverLongPasswordsWithOneLine() {
        assertThat(run("\n", "hash-password")).isEqualTo(2);
        assertThat(err().strip()).isEqualTo("twisterlab hash-password: the password is empty");
        assertThat(out()).isEmpty();
        err.reset();
        assertThat(run("", "hash-password")).isEqualTo(2);
        assertThat(err().lines()).hasSize(1);
        err.reset();
        assertThat(run("é".repeat(37) + "\n", "hash-password")).isEqualTo(2); // 74 bytes, 37 characters
        assertThat(err().lines()).singleElement().asString().contains("74 bytes", "72");
        assertThat(out()).isEmpty();
        err.reset();
        assertThat(run("x".repeat(72) + "\n", "hash-password", "--cost", "4")).isZero();
    }

    @Test
    void hashPasswordRefusesBadOptions() {
        assertThat(run("pw\n", "hash-password", "--role=admin")).isEqualTo(2);
        assertThat(run("pw\n", "hash-password", "--user=olga", "--role=root")).isEqualTo(2);
        assertThat(run("pw\n", "hash-password", "--user=olga", "--cost=3")).isEqualTo(2);
        assertThat(run("pw\n", "hash-password", "--user=a:b")).isEqualTo(2);
        assertThat(err().lines()).hasSize(4).allSatisfy(l -> assertThat(l).startsWith("twisterlab hash-password: "));
        assertThat(out()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"keygen", "hash-password"})
    void everyCommandHasHelpThatExits0(String command) {
        assertThat(run("", command, "--help")).isZero();
        assertThat(out()).startsWith("Usage: java -jar twisterlab-server.jar " + command).contains("--role");
        out.reset();
        assertThat(run("", command, "-h")).isZero();
        assertThat(out()).startsWith("Usage: java -jar twisterlab-server.jar " + command);
        assertThat(err()).isEmpty();
    }

    @Test
    void topLevelHelpNamesTheCommands() {
        assertThat(run("", "-h")).isZero();
        assertThat(out()).contains("keygen", "hash-password", "--option=value");
    }

    @Test
    void keygenTakesTheEqualsForm() {
        assertThat(run("", "keygen", "--role=viewer", "--name=ci")).isZero();
        assertThat(out()).containsPattern("TWISTERLAB_API_KEYS=ci:viewer:[0-9a-f]{64}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"keygen", "hash-password"})
    void unknownOptionsExitWith2AndOneLineWithAHint(String command) {
        assertThat(run("pw\n", command, "--bogus=1")).isEqualTo(2);
        assertThat(err().lines()).singleElement().asString()
                .isEqualTo("twisterlab " + command + ": unknown option '--bogus' (see " + command + " --help)");
        err.reset();
        assertThat(run("pw\n", command, "--role")).isEqualTo(2);
        assertThat(err().lines()).singleElement().asString().contains("--role needs a value");
        assertThat(out()).isEmpty();
    }

    @Test
    void unknownTopLevelOptionsExitWith2AndOneLineWithAHint() {
        assertThat(run("", "--prot=9000")).isEqualTo(2);
        assertThat(err().lines()).singleElement().asString().startsWith("twisterlab: unknown option '--prot'")
                .contains("--help");
        err.reset();
        assertThat(run("", "hash")).isEqualTo(2);
        assertThat(err().lines()).singleElement().asString().contains("hash-password");
    }

    @Test
    void theServerParsesItsOptionsLikeEverySubcommand() {
        assertThat(run("", "--port")).isEqualTo(2);
        assertThat(err().lines()).singleElement().asString()
                .isEqualTo("twisterlab: --port needs a value (commands: keygen, hash-password; see --help)");
        err.reset();
        assertThat(run("", "--port", "1", "--version=2")).isEqualTo(2); // a switch takes no value
        assertThat(err().lines()).singleElement().asString().startsWith("twisterlab: unknown option '--version'");
        err.reset();
        assertThat(run("", "--port=1", "--host", "127.0.0.1", "-V")).isZero();
        assertThat(out()).startsWith("twisterlab-server ");
        assertThat(err()).isEmpty();
    }
}
