package io.kraftwerk.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** A manifests repository as ops keep one: a git work tree, committed to with the git command. */
public final class GitRepo {
    private final Path dir;

    private GitRepo(Path dir) {
        this.dir = dir;
    }

    /** A new repository holding a copy of {@code content}, committed on {@code branch}. */
    public static GitRepo create(Path dir, Path content, String branch) throws IOException, InterruptedException {
        copyTree(content, dir);
        GitRepo repo = new GitRepo(dir);
        repo.git("init", "--quiet", "--initial-branch=" + branch);
        repo.commitAll("the example site");
        return repo;
    }

    public Path dir() {
        return dir;
    }

    public void write(String relative, String content) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    public String read(String relative) throws IOException {
        return Files.readString(dir.resolve(relative), StandardCharsets.UTF_8);
    }

    /** Commits everything; returns the new commit id. */
    public String commitAll(String message) throws IOException, InterruptedException {
        git("add", "--all");
        git("-c", "user.name=Kraftwerk Tests", "-c", "user.email=tests@kraftwerk.invalid", "commit", "--quiet", "--message", message);
        return head();
    }

    public String head() throws IOException, InterruptedException {
        return git("rev-parse", "HEAD").strip();
    }

    public void checkout(String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("checkout", "--quiet"));
        argv.addAll(List.of(args));
        git(argv.toArray(String[]::new));
    }

    public String git(String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("git", "-C", dir.toString()));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", argv) + " failed:\n" + out);
        }
        return out;
    }

    /** Copies a directory tree (files and directories). */
    public static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
