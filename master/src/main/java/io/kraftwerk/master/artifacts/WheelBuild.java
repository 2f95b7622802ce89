package io.kraftwerk.master.artifacts;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code kw-master artifacts build DIR}: builds the wheel of a Python project with pip, offline
 * ({@code --no-index --no-build-isolation}: the build backend must be installed, as Debian's
 * python3-setuptools and python3-wheel are). The project is copied first, because setuptools
 * builds in place and would leave {@code build/} and {@code *.egg-info} in the manifests. With a
 * fixed SOURCE_DATE_EPOCH the same sources give the same bytes, so building again adds nothing new.
 */
public final class WheelBuild {
    /** 1980-01-01, the earliest time a zip file can hold. */
    static final String SOURCE_DATE_EPOCH = "315532800";
    private static final long TIMEOUT_MINUTES = 10;

    private final String python;

    public WheelBuild(String python) {
        this.python = python;
    }

    /** The argument vector pip runs with: no shell, each value its own element. */
    List<String> argv(Path project, Path wheelDir) {
        return List.of(python, "-I", "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "--disable-pip-version-check",
                "--no-input", "--wheel-dir", wheelDir.toString(), project.toString());
    }

    /** Builds the project's wheels and adds them to the store; what each add did, in order. */
    public List<ArtifactStore.Added> buildInto(ArtifactStore store, Path project)
            throws ArtifactException, IOException, InterruptedException {
        Path wheels = Files.createTempDirectory("kw-wheels-");
        try {
            List<ArtifactStore.Added> added = new ArrayList<>();
            for (Path wheel : build(project, wheels)) {
                try (InputStream in = Files.newInputStream(wheel)) {
                    added.add(store.add(wheel.getFileName().toString(), in, null));
                }
            }
            return added;
        } finally {
            deleteTree(wheels);
        }
    }

    /** Builds the project's wheels into {@code wheelDir} (empty or new) and returns them. */
    public List<Path> build(Path project, Path wheelDir) throws ArtifactException, InterruptedException {
        if (!Files.isRegularFile(project.resolve("pyproject.toml")) && !Files.isRegularFile(project.resolve("setup.py"))) {
            throw ArtifactException.badRequest(project + " is not a Python project: it has no pyproject.toml or setup.py");
        }
        Path work = null;
        try {
            work = Files.createTempDirectory("kw-wheel-build-");
            Path copy = work.resolve("project");
            copyProject(project, copy);
            Files.createDirectories(wheelDir);
            // run from the scratch directory, its output to a file: what the project's build prints cannot stall the
            // wait, and nothing in the directory the command was started from is imported
            Path log = work.resolve("pip.log");
            ProcessBuilder pip = new ProcessBuilder(argv(copy, wheelDir)).directory(work.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            pip.environment().put("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH);
            pip.environment().put("PIP_NO_CACHE_DIR", "1");
            Process process = pip.start();
            process.getOutputStream().close();
            boolean finished = process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES);
            byte[] output = Files.readAllBytes(log);
            if (!finished) {
                process.destroyForcibly();
                throw new ArtifactException(ArtifactException.Kind.FAILED, "pip wheel did not finish building " + project
                        + " within " + TIMEOUT_MINUTES + " minutes");
            }
            if (process.exitValue() != 0) {
                throw new ArtifactException(ArtifactException.Kind.FAILED, "pip wheel exited with " + process.exitValue()
                        + " building " + project + " (does it build offline? its build backend must be installed, e.g."
                        + " python3-setuptools and python3-wheel):\n" + lastLines(new String(output, StandardCharsets.UTF_8), 15));
            }
            try (Stream<Path> built = Files.list(wheelDir)) {
                List<Path> wheels = built.filter(p -> p.getFileName().toString().endsWith(".whl")).sorted().toList();
                if (wheels.isEmpty()) {
                    throw new ArtifactException(ArtifactException.Kind.FAILED, "pip wheel built no wheel from " + project);
                }
                return wheels;
            }
        } catch (IOException e) {
            throw new ArtifactException("cannot build " + project + ": " + e.getMessage(), e);
        } finally {
            deleteTree(work);
        }
    }

    /** The project without what earlier builds left in it, nor version control or hidden files. */
    private static void copyProject(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                String name = dir.getFileName().toString();
                if (!dir.equals(from) && (name.startsWith(".") || name.equals("build") || name.equals("dist")
                        || name.endsWith(".egg-info") || name.equals("__pycache__"))) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isRegularFile() && !file.getFileName().toString().startsWith(".")) {
                    Files.copy(file, to.resolve(from.relativize(file).toString()));
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static String lastLines(String text, int count) {
        List<String> lines = text.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - count), lines.size()));
    }

    static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            List<Path> paths = new ArrayList<>(all.sorted(Comparator.reverseOrder()).toList());
            for (Path p : paths) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a temporary folder left behind is harmless; the build's result does not depend on it
        }
    }
}
