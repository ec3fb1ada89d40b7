package io.twisterlab.e2e;

import io.twisterlab.core.spi.AgentProvider;
import io.twisterlab.core.spi.ApiVersion;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * A plugin jar built at test time the way a user builds one: Java sources compiled with {@code javax.tools} against
 * {@code twisterlab-core} only, plus {@code META-INF/services/io.twisterlab.core.spi.AgentProvider}, packed with
 * {@link JarOutputStream}.
 *
 * <pre>{@code
 * Path jar = PluginJar.build(dir, "greeter.jar", Map.of("com/example/GreeterProvider.java", source),
 *         "com.example.GreeterProvider");
 * }</pre>
 */
final class PluginJar {
    private PluginJar() {
    }

    /** A plugin with every class it compiled, whose manifest names this server's API version. */
    static Path build(Path dir, String jarName, Map<String, String> sources, String provider) throws IOException {
        return build(dir, jarName, sources, provider, ApiVersion.CURRENT.toString(), Set.of());
    }

    /**
     * @param dir        scratch folder; the jar is written there
     * @param jarName    file name of the jar
     * @param sources    source files by path relative to the source root
     * @param provider   the provider class listed in {@code META-INF/services}
     * @param apiVersion the manifest's {@value ApiVersion#MANIFEST_ATTRIBUTE}
     * @param omit       class files compiled but left out of the jar, e.g. {@code com/example/Helper.class}, as if
     *                   they were in an API the server does not have
     * @return the jar
     */
    static Path build(Path dir, String jarName, Map<String, String> sources, String provider, String apiVersion,
                      Set<String> omit) throws IOException {
        Path work = Files.createTempDirectory(dir, "plugin-src");
        Path src = work.resolve("src");
        Path classes = Files.createDirectories(work.resolve("classes"));
        List<String> args = new ArrayList<>(List.of("--release", "17", "-proc:none", "-nowarn", "-d",
                classes.toString(), "-cp", location(AgentProvider.class) + java.io.File.pathSeparator
                        + location(org.jspecify.annotations.Nullable.class)));
        for (Map.Entry<String, String> e : sources.entrySet()) {
            Path file = src.resolve(e.getKey());
            Files.createDirectories(file.getParent());
            Files.writeString(file, e.getValue());
            args.add(file.toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int status = javac.run(null, output, output, args.toArray(String[]::new));
        if (status != 0) {
            throw new IllegalStateException("plugin sources do not compile (status " + status + "): "
                    + output.toString(StandardCharsets.UTF_8));
        }
        Path services = Files.createDirectories(classes.resolve("META-INF/services"));
        Files.writeString(services.resolve(AgentProvider.class.getName()), provider + "\n");
        Path jar = dir.resolve(jarName);
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue(ApiVersion.MANIFEST_ATTRIBUTE, apiVersion);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest);
             Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                String name = classes.relativize(file).toString().replace('\\', '/');
                if (omit.contains(name)) {
                    continue;
                }
                out.putNextEntry(new JarEntry(name));
                copy(file, out);
                out.closeEntry();
            }
        }
        return jar;
    }

    private static void copy(Path file, OutputStream out) {
        try {
            out.write(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String location(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The README's greeter: {@code agents.greeter.greeting} and {@code agents.greeter.punctuation} configure it, and
     * its provider declares them; {@code failure} is a statement run first in {@code createAgents}.
     */
    static Map<String, String> greeterSources(String failure) {
        String provider = """
                package com.example;

                import io.twisterlab.core.CoreAgent;
                import io.twisterlab.core.spi.AgentProvider;
                import io.twisterlab.core.spi.ProviderContext;
                import io.twisterlab.core.spi.SettingKey;
                import java.util.Collection;
                import java.util.List;

                public final class GreeterProvider implements AgentProvider {
                    @Override
                    public List<SettingKey> settingKeys() {
                        return List.of(new SettingKey("greeter", "greeting", "the word before the name"),
                                new SettingKey("greeter", "punctuation", "what ends the greeting"));
                    }

                    @Override
                    public Collection<? extends CoreAgent> createAgents(ProviderContext context) {
                        %s
                        return List.of(new GreeterAgent(context.config("agents.greeter.greeting").orElse("Hello"),
                                context.config("agents.greeter.punctuation").orElse(".")));
                    }
                }
                """.formatted(failure);
        String agent = """
                package com.example;

                import io.twisterlab.core.AbstractCoreAgent;
                import io.twisterlab.core.Param;
                import io.twisterlab.core.ParamType;
                import java.util.Map;

                public final class GreeterAgent extends AbstractCoreAgent {
                    public GreeterAgent(String greeting, String punctuation) {
                        super("greeter", "Greets people", "1.2.3");
                        query("greet", "Says hello to someone")
                                .param(Param.builder("name", ParamType.STRING).defaultValue("world").maxLength(50)
                                        .build())
                                .handler(inv -> Map.of("greeting",
                                        greeting + ", " + inv.arguments().getString("name") + punctuation));
                    }
                }
                """;
        return Map.of("com/example/GreeterProvider.java", provider, "com/example/GreeterAgent.java", agent);
    }
}
