package io.kraftwerk.agent.provider.packages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftwerk.agent.provider.Change;
import io.kraftwerk.agent.provider.Diff;
import io.kraftwerk.agent.provider.ProviderException;
import io.kraftwerk.agent.provider.RecordingContext;
import io.kraftwerk.model.resource.AptSourceResource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AptSourceProviderTest {
    private static final String KEY = "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQINBE6XR8IBEACVdDKT2HEH1IyHzXkb4nIWAY7echjRxo7MTcj4vbXAyBKOfjja\n"
            + "=Dz3c\n-----END PGP PUBLIC KEY BLOCK-----\n";
    private static final List<String> UPDATE = List.of("apt-get", "update", "-q", "-o",
            "Dir::Etc::SourceList=/etc/apt/sources.list.d/kraftwerk-pgdg.sources", "-o", "Dir::Etc::SourceParts=-", "-o",
            "APT::Get::List-Cleanup=0", "-o", "APT::Update::Error-Mode=any", "-o", "DPkg::Lock::Timeout=300");

    @TempDir
    Path root;

    private final AptSourceProvider provider = new AptSourceProvider(Duration.ofMinutes(5));

    private static AptSourceResource pgdg(String suite) {
        return new AptSourceResource("pgdg", null, null, List.of("https://apt.postgresql.org/pub/repos/apt"), List.of(suite),
                List.of("main"), List.of("amd64"), KEY);
    }

    @Test
    void writesDeb822WithTheKeyInsideAndFetchesThatSourceAlone() throws Exception {
        RecordingContext context = new RecordingContext(root);
        Files.createDirectories(root.resolve("etc/apt/sources.list.d"));
        List<Change> changes = Diff.changes(provider.desired(pgdg("bookworm-pgdg")), provider.observe(pgdg("bookworm-pgdg"), context));
        provider.apply(pgdg("bookworm-pgdg"), changes, context);
        assertEquals("""
                # Kept by Kraftwerk (apt_source[pgdg]); changes here are replaced on its next run.
                Types: deb
                URIs: https://apt.postgresql.org/pub/repos/apt
                Suites: bookworm-pgdg
                Components: main
                Architectures: amd64
                Signed-By:
                 -----BEGIN PGP PUBLIC KEY BLOCK-----
                 .
                 mQINBE6XR8IBEACVdDKT2HEH1IyHzXkb4nIWAY7echjRxo7MTcj4vbXAyBKOfjja
                 =Dz3c
                 -----END PGP PUBLIC KEY BLOCK-----
                """, Files.readString(root.resolve("etc/apt/sources.list.d/kraftwerk-pgdg.sources")));
        assertEquals(List.of(UPDATE), context.commands);
        assertEquals(List.of(), Diff.changes(provider.desired(pgdg("bookworm-pgdg")), provider.observe(pgdg("bookworm-pgdg"), context)));
    }

    @Test
    void aSourceAptCannotFetchIsPutBackAsItWas() throws Exception {
        RecordingContext context = new RecordingContext(root).answer(List.of("apt-get", "update"), 100, "",
                "E: The repository 'https://apt.postgresql.org/pub/repos/apt bookwrm-pgdg Release' does not have a Release file.");
        Files.createDirectories(root.resolve("etc/apt"));
        AptSourceResource typo = pgdg("bookwrm-pgdg");
        ProviderException e = assertThrows(ProviderException.class,
                () -> provider.apply(typo, Diff.changes(provider.desired(typo), provider.observe(typo, context)), context));
        assertEquals("apt could not fetch the source, so it was removed again (check its URIs, suites and key): apt-get exited with 100:"
                + " E: The repository 'https://apt.postgresql.org/pub/repos/apt bookwrm-pgdg Release' does not have a Release file.",
                e.getMessage());
        Path file = root.resolve("etc/apt/sources.list.d/kraftwerk-pgdg.sources");
        assertFalse(Files.exists(file), "no broken source left for the next apt-get update");

        RecordingContext working = new RecordingContext(root);
        provider.apply(pgdg("bookworm-pgdg"), Diff.changes(provider.desired(pgdg("bookworm-pgdg")), provider.observe(pgdg("bookworm-pgdg"), working)), working);
        String good = Files.readString(file);
        assertThrows(ProviderException.class, () -> provider.apply(typo, Diff.changes(provider.desired(typo), provider.observe(typo, context)), context));
        assertEquals(good, Files.readString(file), "the working source is back");
        assertTrue(good.contains("Suites: bookworm-pgdg\n"));
    }
}
