package io.twisterlab.ratelimit.internal;

import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * The one parser of the API's configuration names ({@code StoreKind}, {@code FailurePolicy}): case-insensitive,
 * surrounding blanks ignored, {@code _} read as {@code -}, and a message that names every accepted value. Internal:
 * not part of the API.
 *
 * <pre>{@code
 * FailurePolicy p = ConfigNames.parse("failure policy", name, FailurePolicy.values(), FailurePolicy::configName);
 * }</pre>
 */
public final class ConfigNames {

    private ConfigNames() {
    }

    /**
     * @param what       what is parsed, for the message ({@code failure policy})
     * @param name       the configuration name to parse
     * @param values     every value, in the order the message lists them
     * @param configName a value's configuration name (lower case)
     * @param <E>        the enum
     * @return the value whose configuration name is {@code name}
     * @throws IllegalArgumentException naming {@code name} and every accepted name
     */
    public static <E extends Enum<E>> E parse(String what, String name, E[] values, Function<E, String> configName) {
        Objects.requireNonNull(name, "name");
        String n = name.strip().toLowerCase(Locale.ROOT).replace('_', '-');
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            String accepted = configName.apply(values[i]);
            if (accepted.equals(n)) {
                return values[i];
            }
            expected.append(i == 0 ? "" : i == values.length - 1 ? " or " : ", ").append(accepted);
        }
        throw new IllegalArgumentException("unknown " + what + " '" + name + "': expected " + expected);
    }
}
