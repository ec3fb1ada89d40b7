package io.twisterlab.server.plugins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.twisterlab.core.spi.ProviderContext;
import io.twisterlab.server.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plugins folder: missing, empty jars, non-jars; the e2e module's PluginsIT runs real plugins. */
class PluginJarsTest {
    @TempDir
    Path dir;

    @Test
    void aMissingFolderHoldsNoPlugins() {
        try (PluginJars jars = PluginJars.open(dir.resolve("absent"), getClass().getClassLoader())) {
            assertThat(jars.jars()).isEmpty();
        }
    }

    @Test
    void everyJarGetsItsOwnLoaderInNameOrderAndOtherFilesAreIgnored() throws Exception {
        for (String name : new String[] {"b.jar", "a.jar"}) {
            new JarOutputStream(Files.newOutputStream(dir.resolve(name))).close();
        }
        Files.writeString(dir.resolve("notes.txt"), "not a plugin");
        try (PluginJars jars = PluginJars.open(dir, getClass().getClassLoader())) {
            assertThat(jars.jars()).extracting(j -> j.path().getFileName().toString()).containsExactly("a.jar", "b.jar");
            assertThat(jars.jars().get(0).loader()).isNotSameAs(jars.jars().get(1).loader());
            assertThat(jars.jars().get(0).loader().getParent()).isSameAs(getClass().getClassLoader());
            // a jar without providers adds no agents; the built-in ones are still found once
            assertThat(AgentSources.discover(ProviderContext.empty(), getClass().getClassLoader(), jars))
                    .extracting(a -> a.name()).doesNotHaveDuplicates();
        }
    }

    @Test
    void aFileThatIsNoJarIsAOneLineErrorNamingIt() throws Exception {
        Files.writeString(dir.resolve("broken.jar"), "not\na zip");
        assertThatThrownBy(() -> PluginJars.open(dir, getClass().getClassLoader()))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.setting()).isEqualTo("server.plugins_dir");
                    assertThat(e.getMessage()).contains(dir.resolve("broken.jar").toString(),
                            "cannot read it as a jar").doesNotContain("\n");
                });
    }
}
