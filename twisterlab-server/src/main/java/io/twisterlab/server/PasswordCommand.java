package io.twisterlab.server;

import at.favre.lib.crypto.bcrypt.BCrypt;
import java.io.ByteArrayOutputStream;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * {@code hash-password}: a bcrypt hash for {@code TWISTERLAB_USERS} / {@code auth.users}, from a password read on
 * standard input (its first line) or, on an interactive console, from a prompt without echo (asked twice).
 */
final class PasswordCommand {
    static final String USAGE = "Usage: java -jar twisterlab-server.jar hash-password [--user NAME "
            + "[--role viewer|operator|admin]] [--cost N]";
    /** bcrypt uses only the first 72 bytes of a password: longer ones are refused rather than silently cut. */
    static final int MAX_BYTES = 72;
    static final int DEFAULT_COST = 12;

    private PasswordCommand() {
    }

    static int run(List<String> args, InputStream in, PrintStream out, PrintStream err) {
        Map<String, String> opts = new LinkedHashMap<>();
        Optional<String> invalid = Options.parse("hash-password", args, List.of("--user", "--role", "--cost"),
                List.of("--help"), opts);
        if (invalid.isPresent()) {
            err.println(invalid.get());
            return 2;
        }
        if (opts.containsKey("--help")) {
            out.print(USAGE + System.lineSeparator() + System.lineSeparator() + """
                    Reads a password (the first line of standard input, or a prompt without echo on a terminal) and
                    prints its bcrypt hash; with --user, the whole name:role:hash entry for TWISTERLAB_USERS or
                    auth.users (comma-separated). Passwords must be 1 to 72 bytes in UTF-8 (bcrypt's limit).
                      --user NAME   user name, [A-Za-z0-9._-]{1,64}
                      --role ROLE   viewer | operator | admin [viewer]
                      --cost N      bcrypt cost, 4 to 31 [12]
                    Example:  printf '%s\\n' "$PASSWORD" | java -jar twisterlab-server.jar hash-password --user olga \\
                                  --role operator
                    """);
            return 0;
        }
        String user = opts.get("--user");
        if (user == null && opts.containsKey("--role")) {
            err.println("twisterlab hash-password: --role needs --user (see hash-password --help)");
            return 2;
        }
        if (user != null && !user.matches("[A-Za-z0-9._-]{1,64}")) {
            err.println("twisterlab hash-password: --user must match [A-Za-z0-9._-]{1,64}");
            return 2;
        }
        String role = opts.getOrDefault("--role", "viewer").toLowerCase(Locale.ROOT);
        if (!List.of("viewer", "operator", "admin").contains(role)) {
            err.println("twisterlab hash-password: --role must be viewer, operator or admin");
            return 2;
        }
        int cost;
        try {
            cost = Integer.parseInt(opts.getOrDefault("--cost", Integer.toString(DEFAULT_COST)));
        } catch (NumberFormatException e) {
            cost = -1;
        }
        if (cost < 4 || cost > 31) {
            err.println("twisterlab hash-password: --cost must be an integer from 4 to 31");
            return 2;
        }
        char[] password;
        try {
            password = read(in, err);
        } catch (IOException e) {
            err.println("twisterlab hash-password: cannot read the password: " + e.getMessage());
            return 2;
        }
        if (password == null) {
            return 2;
        }
        try {
            if (password.length == 0) {
                err.println("twisterlab hash-password: the password is empty");
                return 2;
            }
            int bytes = utf8Length(password);
            if (bytes > MAX_BYTES) {
                err.println("twisterlab hash-password: the password is " + bytes + " bytes in UTF-8; bcrypt uses only "
                        + "the first " + MAX_BYTES + ", so choose one of at most " + MAX_BYTES + " bytes");
                return 2;
            }
            String hash = new String(BCrypt.withDefaults().hash(cost, password), StandardCharsets.UTF_8);
            out.println(user == null ? hash : user + ":" + role + ":" + hash);
            return 0;
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /** The password, or null after a message on {@code err} (passwords that differ at the prompt). */
    private static char @Nullable [] read(InputStream in, PrintStream err) throws IOException {
        @SuppressWarnings("SystemConsoleNull") // JDK 17-21: null when stdin is not a terminal, which is what we test
        Console console = System.console();
        if (in == System.in && console != null) {
            char[] first = console.readPassword("Password: ");
            char[] again = console.readPassword("Password (again): ");
            if (first == null || again == null) {
                return new char[0];
            }
            boolean same = Arrays.equals(first, again);
            Arrays.fill(again, '\0');
            if (!same) {
                Arrays.fill(first, '\0');
                err.println("twisterlab hash-password: the passwords differ");
                return null;
            }
            return first;
        }
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            line.write(b);
        }
        byte[] bytes = line.toByteArray();
        int length = bytes.length;
        if (length > 0 && bytes[length - 1] == '\r') {
            length--;
        }
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, 0, length));
            char[] password = new char[chars.remaining()];
            chars.get(password);
            Arrays.fill(chars.array(), '\0');
            return password;
        } catch (CharacterCodingException e) {
            throw new IOException("standard input is not UTF-8", e);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    @SuppressWarnings("ByteBufferBackingArray") // wipes the whole backing array of the encoder's own heap buffer
    private static int utf8Length(char[] password) {
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        int n = encoded.remaining();
        Arrays.fill(encoded.array(), (byte) 0);
        return n;
    }
}
