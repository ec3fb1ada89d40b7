package io.twisterlab.bench;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the external tools the harnesses drive ({@code wrk}, {@code redis-benchmark}) on {@code PATH}.
 *
 * <pre>{@code
 * Optional<Path> wrk = Executables.onPath("wrk");
 * }</pre>
 */
final class Executables {

    private Executables() {
    }

    /**
     * @param name an executable's file name
     * @return its first executable match in the {@code PATH} directories, in order
     */
    static Optional<Path> onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
