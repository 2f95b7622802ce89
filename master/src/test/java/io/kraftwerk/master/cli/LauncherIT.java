package io.kraftwerk.master.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** bin/kw-master runs the packaged jar, as an operator would. */
class LauncherIT {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void lintsTheExampleSiteThroughTheLauncher() throws Exception {
        Process p = new ProcessBuilder(List.of(ROOT.resolve("bin/kw-master").toString(), "lint", "--manifests",
                ROOT.resolve("manifests").toString())).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), output);
        assertEquals(5, output.lines().filter(l -> l.startsWith("ok ")).count(), output); // the example site's five nodes
    }

    @Test
    void reportsTheBuiltVersion() throws Exception {
        Process p = new ProcessBuilder(List.of(ROOT.resolve("bin/kw-master").toString(), "--version"))
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals("kw-master 0.1.0-SNAPSHOT\n", output);
    }
}
