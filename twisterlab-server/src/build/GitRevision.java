import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Build step (run by maven-antrun-plugin as a single-file Java program, so no plugin or git binary is needed and
 * {@code -o} works): writes {@code revision=<commit>} for the checkout at {@code args[0]} into {@code args[1]}.
 * Reads {@code .git} directly: a directory, or a worktree's {@code gitdir:} file (with its {@code commondir}); HEAD
 * detached or a branch, loose or in {@code packed-refs}. {@code args[2]}, when not empty, wins (e.g.
 * {@code -Dtwisterlab.revision=...} in a build without {@code .git}); otherwise {@code unknown}.
 */
public final class GitRevision {
    private static final Pattern SHA = Pattern.compile("[0-9a-f]{40}([0-9a-f]{24})?");

    public static void main(String[] args) throws IOException {
        String override = args.length > 2 ? args[2].strip() : "";
        String revision = !override.isEmpty() && !override.startsWith("${") ? override : read(Path.of(args[0]));
        Path out = Path.of(args[1]);
        String content = "revision=" + revision + "\n";
        if (!Files.exists(out) || !Files.readString(out, StandardCharsets.UTF_8).equals(content)) {
            Files.createDirectories(out.getParent());
            Files.writeString(out, content, StandardCharsets.UTF_8);
        }
    }

    private static String read(Path root) {
        try {
            Path git = root.resolve(".git");
            Path gitDir = git;
            if (Files.isRegularFile(git)) {
                String line = Files.readString(git, StandardCharsets.UTF_8).strip();
                if (!line.startsWith("gitdir:")) {
                    return "unknown";
                }
                gitDir = root.resolve(line.substring("gitdir:".length()).strip());
            }
            if (!Files.isDirectory(gitDir)) {
                return "unknown";
            }
            Path common = gitDir;
            Path commonFile = gitDir.resolve("commondir");
            if (Files.isRegularFile(commonFile)) {
                common = gitDir.resolve(Files.readString(commonFile, StandardCharsets.UTF_8).strip()).normalize();
            }
            String head = Files.readString(gitDir.resolve("HEAD"), StandardCharsets.UTF_8).strip();
            if (!head.startsWith("ref:")) {
                return SHA.matcher(head).matches() ? head : "unknown";
            }
            String ref = head.substring("ref:".length()).strip();
            for (Path dir : new Path[] {gitDir, common}) {
                Path loose = dir.resolve(ref);
                if (Files.isRegularFile(loose)) {
                    String sha = Files.readString(loose, StandardCharsets.UTF_8).strip();
                    if (SHA.matcher(sha).matches()) {
                        return sha;
                    }
                }
            }
            Path packed = common.resolve("packed-refs");
            if (Files.isRegularFile(packed)) {
                for (String line : Files.readAllLines(packed, StandardCharsets.UTF_8)) {
                    String[] parts = line.strip().split(" ");
                    if (parts.length == 2 && parts[1].equals(ref) && SHA.matcher(parts[0]).matches()) {
                        return parts[0];
                    }
                }
            }
            return "unknown";
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
