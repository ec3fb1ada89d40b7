package io.twisterlab.server;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Options of a subcommand: {@code --opt value} or {@code --opt=value}, and {@code --help}/{@code -h}. */
final class Options {
    private Options() {
    }

    /**
     * Parses {@code args} into {@code into} (option to value; {@code --help} to an empty string).
     *
     * @param command the subcommand, for messages
     * @param valued  the options that take a value
     * @return null when the arguments are valid, otherwise the exit status (2) after one line on {@code err}
     */
    static @Nullable Integer parse(String command, List<String> args, List<String> valued, Map<String, String> into,
            PrintStream err) {
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                value = arg.substring(eq + 1);
                arg = arg.substring(0, eq);
            }
            if ((arg.equals("--help") || arg.equals("-h")) && value == null) {
                into.put("--help", "");
            } else if (valued.contains(arg)) {
                if (value == null) {
                    if (i + 1 >= args.size()) {
                        err.println("twisterlab " + command + ": " + arg + " needs a value (see " + command
                                + " --help)");
                        return 2;
                    }
                    value = args.get(++i);
                }
                into.put(arg, value);
            } else {
                err.println("twisterlab " + command + ": unknown " + (arg.startsWith("-") ? "option" : "argument")
                        + " '" + arg + "' (see " + command + " --help)");
                return 2;
            }
        }
        return null;
    }
}
