package io.kraftwerk.agent.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.kraftwerk.agent.client.SslFiles;
import io.kraftwerk.agent.client.TestPki;
import io.kraftwerk.agent.client.WireMockMaster;
import io.kraftwerk.agent.config.AgentConfig;
import io.kraftwerk.agent.run.MisbehavingMasterTest;
import io.kraftwerk.agent.run.Schedule;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/kw-agent daemon: runs every interval in its slot, each run a new process, with no JVM and a
 * couple of MiB resident between runs; SIGTERM stops it at once while it waits and after the run
 * in progress otherwise.
 */
class DaemonIT {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final String NODE = "web1.example.net";
    /** Issue 17: what the agent may hold on a node between runs. */
    private static final long BETWEEN_RUNS_KIB = 16 * 1024;

    @TempDir
    Path dir;

    @Test
    void eachRunIsANewProcessNothingButTheSchedulerWaitsAndSigtermLetsTheRunFinish() throws Exception {
        TestPki pki = new TestPki();
        WireMockServer master = WireMockMaster.start(pki, Files.createDirectories(dir.resolve("keys")));
        try {
            Path file = dir.resolve("app.conf");
            master.stubFor(post("/v1/catalogs/" + NODE).willReturn(aResponse().withStatus(200).withHeader("ETag", "\"e1\"")
                    .withBody(MisbehavingMasterTest.catalog(NODE, "v1", file, "port = 8000\n"))));
            master.stubFor(post("/v1/reports/" + NODE).willReturn(aResponse().withStatus(201).withBody("{\"status\": \"stored\"}")));
            Supplier<Integer> reports = () -> master.findAll(postRequestedFor(urlEqualTo("/v1/reports/" + NODE))).size();
            Path config = config(pki, master.httpsPort(), Duration.ofSeconds(3));

            // GC logging on standard output, as an operator might set it to look at memory: the scheduler
            // still finds the line it needs among what the JVM printed
            Daemon daemon = Daemon.start(Map.of("KW_AGENT_JAVA_OPTS", "-Xlog:gc"), config);
            try {
                await("two runs reported:\n" + daemon.output, () -> reports.get() >= 2 || !daemon.process.isAlive());
                assertEquals("port = 8000\n", Files.readString(file));

                // between runs: the scheduler and its sleep, no JVM, far under the budget
                List<ProcessHandle> waiting = daemon.await("the daemon to sleep until the next run", tree -> tree.stream()
                        .anyMatch(p -> p.info().command().orElse("").endsWith("/sleep")) && tree.stream().noneMatch(DaemonIT::isJvm));
                long kib = daemon.rssKib(waiting);
                assertTrue(kib > 0 && kib <= BETWEEN_RUNS_KIB, "resident between runs: " + kib + " KiB in " + describe(waiting));

                // a run in progress: SIGTERM (as systemd and runit stop it) to the daemon only; the run finishes
                daemon.await("a run in progress", tree -> tree.stream().anyMatch(p -> isJvm(p)
                        && p.info().arguments().map(a -> List.of(a).contains("run")).orElse(false)));
                daemon.terminate();
                assertTrue(daemon.process.waitFor(60, TimeUnit.SECONDS), "the daemon stops after the run");
                String output = daemon.all();
                assertTrue(output.startsWith("kw-agent daemon: " + NODE + " runs every 3s at "
                        + Schedule.offset(NODE, Duration.ofSeconds(3)) + " s into each interval\nkw-agent daemon: next run at "),
                        output);
                assertTrue(output.contains("kw-agent daemon: run finished with status 2\n"), output);
                assertTrue(output.strip().endsWith("kw-agent daemon: run finished with status 0\nkw-agent daemon: stopped"),
                        "the run SIGTERM found finished on its own (not killed: status 0):\n" + output);
                assertEquals(output.split("run finished").length - 1, reports.get(), "every run reported:\n" + output);
                assertEquals(0, daemon.process.exitValue());
            } finally {
                daemon.process.destroyForcibly();
            }
        } finally {
            master.stop();
        }
    }

    @Test
    void sigtermWhileWaitingStopsAtOnceWithoutARun() throws Exception {
        // a day's interval: the slot is (all but certainly) not in the next minute
        Daemon daemon = Daemon.start(config(new TestPki(), 9, Duration.ofHours(24)));
        try {
            daemon.await("the daemon to sleep until its slot", tree -> tree.stream()
                    .anyMatch(p -> p.info().command().orElse("").endsWith("/sleep")));
            daemon.terminate();
            assertTrue(daemon.process.waitFor(10, TimeUnit.SECONDS), "the daemon stops at once");
            String output = daemon.all();
            assertTrue(output.strip().endsWith("kw-agent daemon: stopped"), output);
            assertFalse(output.contains("run finished"), output);
            assertEquals(0, daemon.process.exitValue());
        } finally {
            daemon.process.destroyForcibly();
        }
    }

    @Test
    void wrongOptionsOrABrokenConfigStopTheDaemonSayingWhy() throws Exception {
        Daemon bad = Daemon.start(config(new TestPki(), 9, Duration.ofHours(1)), "--service-timeout", "soon");
        assertTrue(bad.process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(KwAgent.EXIT_USAGE, bad.process.exitValue());
        assertEquals("kw-agent daemon: --service-timeout takes a number of seconds, not 'soon'", bad.all().strip());
        Daemon scheduleOnly = Daemon.start(config(new TestPki(), 9, Duration.ofHours(1)), "--after", "1");
        assertTrue(scheduleOnly.process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(KwAgent.EXIT_USAGE, scheduleOnly.process.exitValue());
        assertEquals("kw-agent daemon: unknown option '--after'", scheduleOnly.all().strip(),
                "an option of 'kw-agent schedule' alone: every run would refuse it");

        Path broken = Files.writeString(dir.resolve("broken.yaml"), "server: https://localhost:9\ncertnam: web1\n");
        Daemon unconfigured = Daemon.start(broken);
        assertTrue(unconfigured.process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(1, unconfigured.process.exitValue());
        String said = unconfigured.all();
        assertTrue(said.startsWith("kw-agent daemon: " + broken), said);
    }

    private Path config(TestPki pki, int port, Duration interval) throws Exception {
        Path state = dir.resolve("state");
        pki.writeNodeSsl(SslFiles.in(state), NODE);
        Path file = dir.resolve("agent-" + interval.toSeconds() + ".yaml");
        new AgentConfig(URI.create("https://localhost:" + port), NODE, null, interval, state).save(file);
        return file;
    }

    private static boolean isJvm(ProcessHandle p) {
        return p.info().command().orElse("").endsWith("/java");
    }

    private static String describe(List<ProcessHandle> tree) {
        return tree.stream().map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).toList().toString();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "waited a minute for " + what);
            Thread.sleep(20); // polling for the condition, not waiting for time to pass
        }
    }

    /** bin/kw-agent daemon with its output collected as it comes. */
    private record Daemon(Process process, StringBuffer output, Thread reader) {
        static Daemon start(Path config, String... more) throws IOException {
            return start(Map.of(), config, more);
        }

        static Daemon start(Map<String, String> environment, Path config, String... more) throws IOException {
            List<String> argv = new java.util.ArrayList<>(List.of(ROOT.resolve("bin/kw-agent").toString(), "daemon", "--config",
                    config.toString()));
            argv.addAll(List.of(more));
            ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
            builder.environment().putAll(environment);
            Process p = builder.start();
            StringBuffer output = new StringBuffer();
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                        output.append(line).append('\n');
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, "daemon-output");
            reader.setDaemon(true);
            reader.start();
            return new Daemon(p, output, reader);
        }

        /** Everything it printed, once it has ended (its exit can come before the last of its output is read). */
        String all() throws InterruptedException {
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the daemon stops");
            reader.join(TimeUnit.SECONDS.toMillis(60));
            return output.toString();
        }

        /** The daemon and everything it runs, once {@code ready} holds for them. */
        List<ProcessHandle> await(String what, java.util.function.Predicate<List<ProcessHandle>> ready) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                List<ProcessHandle> tree = new java.util.ArrayList<>(List.of(process.toHandle()));
                process.descendants().forEach(tree::add);
                if (ready.test(tree)) {
                    return tree;
                }
                assertTrue(process.isAlive() && System.nanoTime() < deadline, "waited a minute for " + what + ":\n" + output);
                Thread.sleep(5); // polling for the condition, not waiting for time to pass
            }
        }

        /** The resident memory of these processes together (those already gone count nothing). */
        long rssKib(List<ProcessHandle> tree) throws IOException {
            long total = 0;
            for (ProcessHandle p : tree) {
                Optional<String> line;
                try {
                    line = Files.readAllLines(Path.of("/proc/" + p.pid() + "/status")).stream().filter(l -> l.startsWith("VmRSS:"))
                            .findFirst();
                } catch (java.nio.file.NoSuchFileException gone) {
                    continue;
                }
                total += line.map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).orElse(0L);
            }
            return total;
        }

        /** SIGTERM to the daemon alone, as a service manager sends it (destroy() would close our end of its output). */
        void terminate() throws Exception {
            assertEquals(0, new ProcessBuilder("kill", "-TERM", String.valueOf(process.pid())).start().waitFor());
        }
    }
}
