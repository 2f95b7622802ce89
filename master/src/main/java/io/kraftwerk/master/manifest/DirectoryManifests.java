package io.kraftwerk.master.manifest;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;

/** Loads a manifests tree from a directory (a working copy, or files outside git). */
public final class DirectoryManifests {
    /** Larger files are refused: manifests, templates and small shipped sources only. */
    public static final long MAX_FILE_BYTES = 4L * 1024 * 1024;
    public static final long MAX_TOTAL_BYTES = 256L * 1024 * 1024;

    private DirectoryManifests() {
    }

    /**
     * Reads every regular file under {@code root}, skipping hidden files and directories
     * ({@code .git} among them). The version is the content hash.
     */
    public static ManifestFiles load(Path root) throws ManifestException {
        if (!Files.isDirectory(root)) {
            throw new ManifestException(new Diagnostic(Location.ofFile(root.toString()),
                    "the manifests directory does not exist or is not a directory",
                    "pass --manifests with the path of a directory that holds site.yaml"));
        }
        Map<String, byte[]> files = new HashMap<>();
        Diagnostics diagnostics = new Diagnostics();
        long[] total = {0};
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    return !dir.equals(root) && isHidden(dir) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    if (!attrs.isRegularFile() || isHidden(file)) {
                        return FileVisitResult.CONTINUE;
                    }
                    String relative = relative(root, file);
                    if (attrs.size() > MAX_FILE_BYTES) {
                        diagnostics.error(Location.ofFile(relative), "file is " + attrs.size()
                                + " bytes; manifests files are limited to " + MAX_FILE_BYTES,
                                "keep large artifacts out of the manifests, e.g. in a wheelhouse or package");
                        return FileVisitResult.CONTINUE;
                    }
                    total[0] += attrs.size();
                    if (total[0] > MAX_TOTAL_BYTES) {
                        diagnostics.error(Location.ofFile(relative), "the manifests tree exceeds " + MAX_TOTAL_BYTES
                                + " bytes", "keep large artifacts out of the manifests");
                        return FileVisitResult.TERMINATE;
                    }
                    files.put(relative, Files.readAllBytes(file));
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new ManifestException(new Diagnostic(Location.ofFile(root.toString()),
                    "cannot read the manifests: " + e.getMessage(), "check the path and its permissions"));
        }
        if (diagnostics.hasErrors()) {
            throw new ManifestException(diagnostics.sorted());
        }
        return ManifestFiles.ofContent(files);
    }

    private static boolean isHidden(Path path) {
        return path.getFileName() != null && path.getFileName().toString().startsWith(".");
    }

    private static String relative(Path root, Path file) {
        return root.relativize(file).toString().replace('\\', '/');
    }
}
