package io.kraftwerk.master.ca;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code master_names}: every DNS name and address the master's own certificates have carried.
 * No node may ever be given a certificate for one of them, whatever signs it (operator, token or
 * glob): a node holding the master's name is one step from impersonating it.
 */
final class MasterNames {
    private static final String FILE = "master_names";

    private MasterNames() {
    }

    static Set<String> read(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        Set<String> out = new TreeSet<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    out.add(line.strip());
                }
            }
        }
        return out;
    }

    /** Adds names (kept forever: a name the master once had is not handed to a node later). */
    static void add(Path dir, Collection<String> names) throws IOException {
        Set<String> all = read(dir);
        if (all.addAll(names)) {
            CaDirectory.writeAtomically(dir.resolve(FILE), (String.join("\n", all) + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }
}
