package io.twisterlab.server.plugins;

import io.twisterlab.core.spi.ApiVersion;
import io.twisterlab.server.ConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code *.jar} files of the plugins folder ({@code server.plugins_dir}), in name order, each opened through its
 * own {@link URLClassLoader} whose parent is the server's class loader: a plugin sees the core API and the server's
 * libraries, not the other plugins. A folder that does not exist holds no plugins; a jar that cannot be read, or
 * whose manifest names an {@link ApiVersion} this server does not support, is a {@link ConfigException} naming it
 * (and both versions). {@link #close()} closes the class loaders.
 *
 * <pre>{@code
 * try (PluginJars jars = PluginJars.open(Path.of("plugins"), TwisterLabServer.class.getClassLoader())) {
 *     for (PluginJars.Jar jar : jars.jars()) {
 *         AgentDiscovery.definedBy(context, jar.loader());
 *     }
 * }
 * }</pre>
 */
public final class PluginJars implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PluginJars.class);
    private static final String SETTING = "server.plugins_dir";

    /**
     * One plugin jar and the class loader of its classes.
     *
     * @param path   the jar file
     * @param loader its own class loader
     * @param api    the API version its manifest says it was built against ({@value ApiVersion#MANIFEST_ATTRIBUTE}),
     *               if it says
     */
    public record Jar(Path path, URLClassLoader loader, Optional<ApiVersion> api) {
    }

    private final List<Jar> jars;

    private PluginJars(List<Jar> jars) {
        this.jars = List.copyOf(jars);
    }

    /** No plugins (discovery off). */
    public static PluginJars none() {
        return new PluginJars(List.of());
    }

    /**
     * Opens every {@code *.jar} of {@code dir}.
     *
     * @throws ConfigException naming the folder or the jar that cannot be read
     */
    public static PluginJars open(Path dir, ClassLoader parent) {
        if (!Files.exists(dir)) {
            LOG.info("no plugins folder {} (server.plugins_dir): built-in agents only", dir.toAbsolutePath());
            return none();
        }
        List<Path> paths = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*.jar")) {
            stream.forEach(paths::add);
        } catch (IOException | UncheckedIOException e) {
            throw new ConfigException(SETTING, "invalid setting " + SETTING + " (TWISTERLAB_PLUGINS_DIR): cannot "
                    + "list the plugins folder " + dir + ": " + e.getMessage());
        }
        paths.sort(null);
        List<Jar> jars = new ArrayList<>();
        try {
            for (Path path : paths) {
                Optional<ApiVersion> api = api(path);
                jars.add(new Jar(path, loader(path, parent), api));
            }
        } catch (ConfigException e) {
            new PluginJars(jars).close();
            throw e;
        }
        return new PluginJars(jars);
    }

    /**
     * The API version the jar's manifest declares, checked against {@link ApiVersion#CURRENT}.
     *
     * @throws ConfigException naming the jar and both versions, if this server cannot run it
     */
    private static Optional<ApiVersion> api(Path path) {
        Optional<ApiVersion> api;
        try (JarFile jar = new JarFile(path.toFile())) {
            Manifest manifest = jar.getManifest();
            api = manifest == null ? Optional.empty() : ApiVersion.of(manifest);
        } catch (IOException | SecurityException e) {
            throw failed(path, "cannot read it as a jar: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw failed(path, "invalid " + ApiVersion.MANIFEST_ATTRIBUTE + " in its manifest: " + e.getMessage());
        }
        if (api.isEmpty()) {
            LOG.warn("plugin {} does not say which TwisterLab API it was built against (no {} in its manifest); "
                    + "this server provides API {}", path, ApiVersion.MANIFEST_ATTRIBUTE, ApiVersion.CURRENT);
        } else if (!ApiVersion.CURRENT.supports(api.get())) {
            throw failed(path, "built against TwisterLab API " + api.get() + " (" + ApiVersion.MANIFEST_ATTRIBUTE
                    + "), this server provides API " + ApiVersion.CURRENT + ": rebuild the plugin against "
                    + "twisterlab-core of API " + ApiVersion.CURRENT.major() + ".x, at most " + ApiVersion.CURRENT);
        }
        return api;
    }

    private static URLClassLoader loader(Path path, ClassLoader parent) {
        URL url;
        try (JarFile check = new JarFile(path.toFile())) {
            url = path.toUri().toURL();
            LOG.debug("plugin {}: {} entries", path, check.size());
        } catch (MalformedURLException e) {
            throw failed(path, "not a file URL: " + e.getMessage());
        } catch (IOException | SecurityException e) {
            throw failed(path, "cannot read it as a jar: " + e.getMessage());
        }
        return new URLClassLoader("plugin:" + path.getFileName(), new URL[] {url}, parent);
    }

    /** A start-up error naming the plugin jar: one line. */
    static ConfigException failed(Path jar, String message) {
        return new ConfigException(SETTING, ("plugin " + jar + " (server.plugins_dir): " + message)
                .replaceAll("\\s*\\R\\s*", " "));
    }

    /** The jars, in name order. */
    public List<Jar> jars() {
        return jars;
    }

    /** Closes every class loader; failures are logged. */
    @Override
    public void close() {
        for (Jar jar : jars) {
            try {
                jar.loader().close();
            } catch (IOException e) {
                LOG.warn("cannot close the class loader of plugin {}: {}", jar.path(), e.getMessage());
            }
        }
    }
}
