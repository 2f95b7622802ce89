package io.kraftwerk.agent.provider.python;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The distributions installed in site-packages directories, read from their {@code .dist-info} and
 * {@code .egg-info} directory names — what pip itself would list, without starting Python.
 */
final class InstalledDistributions {
    private static final Pattern METADATA_DIR = Pattern.compile("(.+?)-([0-9][^-]*?)(?:-py\\d[\\d.]*)?\\.(?:dist|egg)-info");

    private InstalledDistributions() {
    }

    /** Normalized name → version; earlier directories win (the virtualenv before the system). */
    static Map<String, String> read(List<Path> sitePackages) throws IOException {
        Map<String, String> found = new HashMap<>();
        for (Path dir : sitePackages) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "*-info")) {
                for (Path entry : entries) {
                    Matcher m = METADATA_DIR.matcher(entry.getFileName().toString());
                    if (m.matches()) {
                        found.putIfAbsent(Pep440.normalize(m.group(1)), m.group(2));
                    }
                }
            }
        }
        return found;
    }
}
