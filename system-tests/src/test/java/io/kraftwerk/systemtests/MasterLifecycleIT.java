package io.kraftwerk.systemtests;

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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Starting and stopping the master: a SIGTERM at any point of its start or right after it ends it
 * cleanly, without a stack trace; what JGit measured of the file system is kept in the data
 * directory, so a restart does not measure it again (three seconds of every start before).
 */
class MasterLifecycleIT {
    @Test
    void aStopDuringOrRightAfterTheStartPrintsNoStackTrace() throws Exception {
        Path work = Files.createDirectories(Repo.SCRATCH).resolve("lifecycle");
        Repo.deleteTree(work);
        String manifests = GitRepo.create(work.resolve("manifests"), Repo.ROOT.resolve("manifests"), "production").dir().toString();
        Path data = work.resolve("data");
        List<String> options = List.of("--host", "127.0.0.1", "--name", "localhost", "--ip", "127.0.0.1");

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
