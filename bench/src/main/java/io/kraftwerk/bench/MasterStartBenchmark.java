package io.kraftwerk.bench;

import io.kraftwerk.testkit.GitRepo;
import io.kraftwerk.testkit.HostBridge;
import io.kraftwerk.testkit.MasterProcess;
import io.kraftwerk.testkit.NodeIdentity;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * How long {@code kw-master serve} takes from its start to its first HTTPS answer, and to stop on
 * SIGTERM, on the example site; each stop's output is searched for stack traces. The first start
 * makes the CA, the server certificate and the database; the runs after it are restarts on the
 * same data, as after an upgrade or a reboot. With {@code --peer}, Debian's puppetserver is
 * restarted as many times in a disposable node, timed to the readiness its systemd unit waits for.
 *
 * <pre>
 * ./mvnw -q -DskipTests package
 * java -cp bench/target/benchmarks.jar io.kraftwerk.bench.MasterStartBenchmark [--runs 10] [--peer]
 * </pre>
 */
public final class MasterStartBenchmark {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Path WORK = ROOT.resolve("bench/target/start");

    private MasterStartBenchmark() {
    }

    /** One start and stop. */
    private record Run(Duration toFirstAnswer, Duration toStopped, int exitCode, boolean stackTrace) {
    }

    public static void main(String[] args) throws Exception {
        // the master's classes log through JBoss logging; say so before anything logs
        System.setProperty("java.util.logging.manager", "org.jboss.logmanager.LogManager");
        int runs = 10;
        boolean peer = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--peer" -> peer = true;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        MasterLoadBenchmark.deleteTree(WORK);
        Files.createDirectories(WORK);
        String manifests = GitRepo.create(WORK.resolve("manifests"), ROOT.resolve("manifests"), "production").dir().toString();
        Path data = WORK.resolve("data");
        // the admin token and the example's secrets key, as an operator provides them before the first start
        MasterProcess.start(ROOT, data, manifests, List.of("--name", "localhost"), "").close();
        for (String made : List.of("ca", "tls", "db", "jgit.config")) {
            MasterLoadBenchmark.deleteTree(data.resolve(made));
            Files.deleteIfExists(data.resolve(made));
        }
        Run first = run(data, manifests);
        List<Run> restarts = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            restarts.add(run(data, manifests));
        }
        System.out.printf(Locale.ROOT, "%d cores, %s%n%n", Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.version"));
        System.out.println("| server | start | runs | median to first answer | min | max | median SIGTERM to exit | stack traces |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|---:|");
        print("kw-master", "first (CA, certificate, database made)", List.of(first));
        print("kw-master", "restart", restarts);
        if (peer) {
            List<Duration> puppet = new ArrayList<>();
            try (HostBridge bridge = HostBridge.create("10.0.0.1", 24);
                 PuppetServerNode server = PuppetServerNode.start(WORK.resolve("nodes"), ROOT, bridge, "10.0.0.2",
                         EquivalentPolicies.puppetSite())) {
                for (int i = 0; i < runs; i++) {
                    puppet.add(server.restart());
                }
                List<Duration> sorted = puppet.stream().sorted().toList();
                System.out.printf(Locale.ROOT, "| puppetserver %s | restart (to readiness) | %d | %.2f s | %.2f s | %.2f s | | |%n",
                        server.version(), runs, seconds(sorted.get(sorted.size() / 2)), seconds(sorted.get(0)),
                        seconds(sorted.get(sorted.size() - 1)));
            }
        }
    }

    private static void print(String server, String start, List<Run> runs) {
        List<Duration> answers = runs.stream().map(Run::toFirstAnswer).sorted().toList();
        List<Duration> stops = runs.stream().map(Run::toStopped).sorted().toList();
        long traces = runs.stream().filter(Run::stackTrace).count();
        System.out.printf(Locale.ROOT, "| %s | %s | %d | %.2f s | %.2f s | %.2f s | %.2f s | %d |%n", server, start, runs.size(),
                seconds(answers.get(answers.size() / 2)), seconds(answers.get(0)), seconds(answers.get(answers.size() - 1)),
                seconds(stops.get(stops.size() / 2)), traces);
        runs.stream().filter(r -> r.exitCode() != 0 && r.exitCode() != 143).findFirst().ifPresent(r -> {
            throw new IllegalStateException("kw-master exited with " + r.exitCode() + " on SIGTERM");
        });
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }

    /** Starts the master, asks until it answers, stops it with SIGTERM right away (the stop that used to print traces). */
    private static Run run(Path data, String manifests) throws Exception {
        int port = freePort();
        List<String> argv = List.of(ROOT.resolve("bin/kw-master").toString(), "serve", "--manifests", manifests, "--data-dir",
                data.toString(), "--port", String.valueOf(port), "--host", "127.0.0.1", "--name", "localhost", "--ip", "127.0.0.1");
        Path caCertificate = data.resolve("ca/ca_crt.pem");
        HttpRequest ask = HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/v1/ca/certificate"))
                .timeout(Duration.ofSeconds(5)).build();
        long started = System.nanoTime();
        Process master = new ProcessBuilder(argv).redirectErrorStream(true).start();
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> readAll(master.getInputStream()));
        Duration toAnswer = null;
        HttpClient client = null;
        while (toAnswer == null) {
            if (!master.isAlive()) {
                throw new IllegalStateException("kw-master exited with " + master.exitValue() + ":\n" + output.join());
            }
            try {
                if (client == null) {
                    // the CA is made (or read) before the server starts, so it is there before the first answer
                    client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1))
                            .sslContext(NodeIdentity.anonymous(NodeIdentity.readCertificate(caCertificate))).build();
                }
                if (client.send(ask, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    toAnswer = Duration.ofNanos(System.nanoTime() - started);
                }
            } catch (Exception notYet) {
                Thread.sleep(5); // polling for the CA and then the port: what the benchmark measures
            }
        }
        long stopping = System.nanoTime();
        master.destroy();
        int exit = master.waitFor();
        Duration toStopped = Duration.ofNanos(System.nanoTime() - stopping);
        String said = output.join();
        boolean trace = said.contains("\n\tat ") || said.contains("Exception");
        if (trace) {
            Files.writeString(WORK.resolve("stack-trace-" + System.nanoTime() + ".log"), said);
        }
        return new Run(toAnswer, toStopped, exit, trace);
    }

    private static String readAll(InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
