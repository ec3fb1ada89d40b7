package io.twisterlab.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;

/** Declared setting keys refuse the undeclared ones of their agents; the API version says what a plugin needs. */
class DeclaredSettingsTest {
    private static final List<SettingKey> GREETER = List.of(new SettingKey("greeter", "greeting", "word"),
            new SettingKey("greeter", "punctuation", "end"));

    private static ProviderContext config(String... keyValues) {
        ProviderContext.Builder b = ProviderContext.builder();
        for (int i = 0; i < keyValues.length; i += 2) {
            b.config(keyValues[i], keyValues[i + 1]);
        }
        return b.build();
    }

    @Test
    void declaredKeysEnabledAndOtherAgentsPass() {
        AgentDiscovery.checkKeys(config("agents.greeter.greeting", "Hi", "agents.greeter.enabled", "true",
                "agents.other.anything", "x", "database.url", "jdbc:h2:mem:x", "agents.greeterx.y", "z"), GREETER);
    }

    @Test
    void anUndeclaredKeyIsRefusedNamingTheClosestOfThatAgent() {
        assertThatThrownBy(() -> AgentDiscovery.checkKeys(config("agents.greeter.punctation", "!"), GREETER))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown setting 'agents.greeter.punctation': did you mean 'agents.greeter.punctuation'? "
                        + "(known: agents.greeter.greeting, agents.greeter.punctuation)");
    }

    @Test
    void aProviderThatDeclaresNothingAcceptsEverything() {
        AgentDiscovery.checkKeys(config("agents.greeter.whatever", "x"), List.of());
        assertThat(new TestAgentProvider().settingKeys()).isEmpty();
    }

    @Test
    void settingKeysValidateTheirNames() {
        assertThat(new SettingKey("my-agent", "max_length", "d").fullName()).isEqualTo("agents.my-agent.max_length");
        assertThatThrownBy(() -> new SettingKey("Greeter", "greeting", "d")).hasMessageContaining("agent name");
        assertThatThrownBy(() -> new SettingKey("greeter", "", "d")).hasMessageContaining("setting key");
        assertThatThrownBy(() -> new SettingKey("greeter", "a b", "d")).hasMessageContaining("setting key");
    }

    @Test
    void apiVersionsOfTheSameMajorAndNoHigherMinorAreSupported() {
        ApiVersion server = new ApiVersion(1, 3);
        assertThat(server.supports(ApiVersion.parse("1.0"))).isTrue();
        assertThat(server.supports(ApiVersion.parse(" 1.3 "))).isTrue();
        assertThat(server.supports(ApiVersion.parse("1.4"))).isFalse();
        assertThat(server.supports(ApiVersion.parse("2.0"))).isFalse();
        assertThat(server.supports(ApiVersion.parse("0.9"))).isFalse();
        assertThat(ApiVersion.CURRENT.supports(ApiVersion.CURRENT)).isTrue();
        assertThatThrownBy(() -> ApiVersion.parse("1")).hasMessageContaining("not an API version");
        assertThatThrownBy(() -> ApiVersion.parse("1.0.0")).hasMessageContaining("not an API version");
        assertThatThrownBy(() -> new ApiVersion(-1, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theManifestAttributeIsRead() {
        Manifest manifest = new Manifest();
        assertThat(ApiVersion.of(manifest)).isEmpty();
        manifest.getMainAttributes().putValue(ApiVersion.MANIFEST_ATTRIBUTE, "1.2");
        assertThat(ApiVersion.of(manifest)).contains(new ApiVersion(1, 2));
    }
}
