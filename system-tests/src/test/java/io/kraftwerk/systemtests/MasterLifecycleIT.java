package io.kraftwerk.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftwerk.testkit.GitRepo;
import io.kraftwerk.testkit.MasterProcess;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Starting and stopping the master: a SIGTERM at any point of its start or right after it ends it
 * cleanly, without a stack trace; what JGit measured of the file system is kept in the data
 * directory, so a restart does not measure it again (three seconds of every start before); a
 * database behind the build is migrated at start, though a current one is left to itself.
 */
class MasterLifecycleIT {
    private static final List<String> OPTIONS = List.of("--host", "127.0.0.1", "--name", "localhost", "--ip", "127.0.0.1");
    /** What a master logs when it found its database current and started without Flyway. */
    static final String FLYWAY_LEFT_OUT = "Flyway was not started";

    /** A scratch directory of its own with the example site as a repository (manifests) and a data directory yet to make. */
    private record Scratch(String manifests, Path data) {
        static Scratch named(String name) throws Exception {
            Path work = Files.createDirectories(Repo.SCRATCH).resolve(name);
            Repo.deleteTree(work);
            return new Scratch(GitRepo.create(work.resolve("manifests"), Repo.ROOT.resolve("manifests"), "production").dir().toString(),
                    work.resolve("data"));
        }
    }

    @Test
    void aStopDuringOrRightAfterTheStartPrintsNoStackTrace() throws Exception {
        Scratch scratch = Scratch.named("lifecycle");
        String manifests = scratch.manifests();
        Path data = scratch.data();
        List<String> options = OPTIONS;

        // the first start makes the CA and the database; SIGTERM as soon as it listens
        MasterProcess first = MasterProcess.start(Repo.ROOT, data, manifests, options, "");
        first.close();
        assertClean(first.log());
        assertTrue(Files.readString(data.resolve("jgit.config")).contains("timestampResolution"),
                "what JGit measured is kept for the next start");

        // stopped while it starts: when the site is read (start-up observers), before it listens
        for (String when : List.of("Installed features", "environment production is now at", "Profile prod activated")) {
            String said = stopOnceItSays(data, manifests, options, when);
            assertClean(said);
        }
    }

    /**
     * A master leaves Flyway out of its start when its database already has every migration (half a second of each
     * start), so one whose database is behind it must still migrate: here a database as the build before the CA tables
     * left it. Once migrated, the next start leaves Flyway out, and says so.
     */
    @Test
    void aDatabaseBehindTheBuildIsMigratedAtStartAndACurrentOneIsNotHandedToFlyway() throws Exception {
        Scratch scratch = Scratch.named("schema-behind");
        Path data = scratch.data();
        MasterProcess made = MasterProcess.start(Repo.ROOT, data, scratch.manifests(), OPTIONS, "");
        made.close();
        assertFalse(made.log().contains(FLYWAY_LEFT_OUT), "a new database is migrated:\n" + made.log());
        String url = "jdbc:h2:file:" + data.resolve("db/kraftwerk");
        try (Connection db = DriverManager.getConnection(url); Statement sql = db.createStatement()) {
            sql.execute("drop table ca_node");
            sql.execute("drop table ca_request");
            sql.execute("drop table ca_master_name");
            sql.execute("drop table ca_certificate");
            sql.execute("drop table ca_authority");
            assertEquals(1, sql.executeUpdate("delete from \"flyway_schema_history\" where \"version\" = '6'"));
        }

        MasterProcess behind = MasterProcess.start(Repo.ROOT, data, scratch.manifests(), OPTIONS, "");
        behind.close();
        assertFalse(behind.log().contains(FLYWAY_LEFT_OUT), behind.log());
        try (Connection db = DriverManager.getConnection(url); Statement sql = db.createStatement();
             ResultSet migrated = sql.executeQuery("select \"success\" from \"flyway_schema_history\" where \"version\" = '6'")) {
            assertTrue(migrated.next() && migrated.getBoolean(1), "V6 applied again at the start");
            try (ResultSet table = db.getMetaData().getTables(null, null, "CA_AUTHORITY", null)) {
                assertTrue(table.next(), "V6's tables are back");
            }
        }

        MasterProcess current = MasterProcess.start(Repo.ROOT, data, scratch.manifests(), OPTIONS, "");
        current.close();
        assertTrue(current.log().contains(FLYWAY_LEFT_OUT), current.log());
        assertClean(current.log());
    }

    /** Runs {@code kw-master serve} and sends SIGTERM the moment its output has the text; returns the whole output. */
    private static String stopOnceItSays(Path data, String manifests, List<String> options, String text) throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        List<String> argv = new ArrayList<>(List.of(Repo.ROOT.resolve("bin/kw-master").toString(), "serve", "--manifests",
                manifests, "--data-dir", data.toString(), "--port", String.valueOf(port)));
        argv.addAll(options);
        Process master = new ProcessBuilder(argv).redirectErrorStream(true).start();
        StringBuilder out = new StringBuilder();
        boolean signalled = false;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(master.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                out.append(line).append('\n');
                if (!signalled && line.contains(text)) {
                    master.toHandle().destroy(); // SIGTERM; Process.destroy would also close the output being read
                    signalled = true;
                }
            }
        } finally {
            if (!master.waitFor(60, TimeUnit.SECONDS)) {
                master.destroyForcibly();
            }
        }
        assertTrue(signalled, "the master never said '" + text + "':\n" + out);
        assertTrue(List.of(0, 143).contains(master.exitValue()), "exit " + master.exitValue() + ":\n" + out);
        return out.toString();
    }

    private static void assertClean(String output) {
        assertFalse(output.contains("\tat ") || output.contains("Exception") || output.contains("ERROR"),
                "a stop is quiet:\n" + output);
    }
}
