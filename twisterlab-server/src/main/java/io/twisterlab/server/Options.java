package io.twisterlab.server;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The command line's options, for the server and for each subcommand: {@code --opt value} or {@code --opt=value}
 * for an option that takes a value, a bare name for a switch. {@code -h} is {@code --help} and {@code -V} is
 * {@code --version} wherever those switches exist.
 *
 * <pre>{@code
 * Map<String, String> opts = new LinkedHashMap<>();
 * Optional<String> error = Options.parse("keygen", args, List.of("--name", "--role"), List.of("--help"), opts);
 * }</pre>
 */
final class Options {
    private static final Map<String, String> SHORT = Map.of("-h", "--help", "-V", "--version");

    private Options() {
    }

    /**
     * Parses {@code args} into {@code into} (option to value, a switch to an empty string), stopping at the first
     * invalid argument; what was parsed before it stays in {@code into}.
     *
     * @param command  the subcommand, or {@code ""} for the server itself (names it in messages)
     * @param valued   the options that take a value
     * @param switches the options that take none
     * @return the one line to print when an argument is invalid (exit status 2)
     */
    static Optional<String> parse(String command, List<String> args, List<String> valued, List<String> switches,
            Map<String, String> into) {
        String prefix = command.isEmpty() ? "twisterlab: " : "twisterlab " + command + ": ";
        String seeHelp = command.isEmpty() ? "commands: keygen, hash-password; see --help" : "see " + command
                + " --help";
        for (int i = 0; i < args.size(); i++) {
            String arg = SHORT.getOrDefault(args.get(i), args.get(i));
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                value = arg.substring(eq + 1);
                arg = arg.substring(0, eq);
            }
            if (switches.contains(arg) && value == null) {
                into.put(arg, "");
            } else if (valued.contains(arg)) {
                if (value == null) {
                    if (i + 1 >= args.size()) {
                        return Optional.of(prefix + arg + " needs a value (" + seeHelp + ")");
                    }
                    value = args.get(++i);
                }
                into.put(arg, value);
            } else {
                return Optional.of(prefix + "unknown " + (arg.startsWith("-") ? "option" : "argument") + " '" + arg
                        + "' (" + seeHelp + ")");
            }
        }
        return Optional.empty();
    }
}
