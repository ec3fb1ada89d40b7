package io.twisterlab.core.spi;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One setting an {@link AgentProvider} declares that it reads: {@code agents.<agent>.<key>}. A provider that
 * declares at least one key for an agent gets every other {@code agents.<agent>.*} key refused at start-up (a typo
 * names the closest declared key); {@code enabled} is always accepted. A provider that declares nothing accepts
 * anything.
 *
 * <pre>{@code
 * public List<SettingKey> settingKeys() {
 *     return List.of(new SettingKey("greeter", "greeting", "the word before the name [Hello]"),
 *             new SettingKey("greeter", "punctuation", "what ends the greeting [.]"));
 * }
 * }</pre>
 *
 * @param agent       the agent's name, e.g. {@code greeter}
 * @param key         the key under {@code agents.<agent>.}, e.g. {@code greeting}
 * @param description one line for {@code --help}
 */
public record SettingKey(String agent, String key, String description) {
    private static final Pattern AGENT = Pattern.compile("[a-z0-9_-]{1,64}");
    private static final Pattern KEY = Pattern.compile("[a-z0-9_.-]{1,128}");

    /** @throws IllegalArgumentException if the agent or key is not lower-case letters, digits, {@code _ - .} */
    public SettingKey {
        Objects.requireNonNull(description, "description");
        if (!AGENT.matcher(Objects.requireNonNull(agent, "agent")).matches()) {
            throw new IllegalArgumentException("agent name '" + agent + "' must match " + AGENT.pattern());
        }
        if (!KEY.matcher(Objects.requireNonNull(key, "key")).matches()) {
            throw new IllegalArgumentException("setting key '" + key + "' must match " + KEY.pattern());
        }
    }

    /** The full name, {@code agents.<agent>.<key>}. */
    public String fullName() {
        return "agents." + agent + "." + key;
    }
}
