package io.kraftwerk.master;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kraftwerk.master.compile.SecretOpener;
import io.kraftwerk.master.secrets.DecryptingOpener;
import io.kraftwerk.master.secrets.SecretsKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Compares output with a checked-in expected file. Run the tests with
 * {@code -Dkraftwerk.golden.update=true} to rewrite the expected files on purpose (then review the
 * diff before committing).
 */
public final class Golden {
    public static final boolean UPDATE = Boolean.getBoolean("kraftwerk.golden.update");

    private Golden() {
    }

    public static void assertMatches(Path expectedFile, String actual) {
        try {
            if (UPDATE) {
                Files.createDirectories(expectedFile.getParent());
                Files.writeString(expectedFile, actual, StandardCharsets.UTF_8);
                return;
            }
            String expected = Files.exists(expectedFile) ? Files.readString(expectedFile, StandardCharsets.UTF_8)
                    : "<missing " + expectedFile + ": run with -Dkraftwerk.golden.update=true to create it>";
            assertEquals(expected, actual, "output differs from " + expectedFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The module's source tree (Maven runs tests with the module directory as working directory). */
    public static Path testResources() {
        return Path.of("src", "test", "resources");
    }

    /** What opens the example site's encrypted values: its example key (examples/secrets-key, committed as an example). */
    public static SecretOpener exampleSecrets() {
        return new DecryptingOpener(new SecretsKeys(Path.of("..", "examples", "secrets-key")));
    }

    /** Copies a directory tree (files and directories), e.g. the example site into a test's repository. */
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

    /** The example site at the repository root. */
    public static Path exampleSite() {
        return Path.of("..", "manifests");
    }
}
