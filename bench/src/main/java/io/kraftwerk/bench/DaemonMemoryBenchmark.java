package io.kraftwerk.bench;

import io.kraftwerk.testkit.DisposableNode;
import io.kraftwerk.testkit.GitRepo;
import io.kraftwerk.testkit.HostBridge;
import io.kraftwerk.testkit.MasterProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What {@code kw-agent daemon} holds on a node: one disposable node bootstrapped against a real master
 * (the example site, so the node is a plain member of it), its daemon on a short run_interval for
 * {@code --runs} runs. Sampled every few milliseconds from the host: the resident memory of the
 * daemon's whole process tree while it waits for the next run (the scheduler and its sleep), and the
 * peak RSS of each run's process. Prints a table per hundred runs and writes an SVG plot of both per
 * run ({@code --svg FILE}, docs/img/daemon-rss.svg).
 *
 * <pre>
 * ./mvnw -q -DskipTests package && .ci/prepare-host
 * apt-get install --download-only -y cfengine3     # the peer (--peer), into apt's cache
 * java -cp bench/target/benchmarks.jar io.kraftwerk.bench.DaemonMemoryBenchmark [--runs 1000] [--interval 3] [--svg FILE] [--peer]
 * </pre>
 * With {@code --peer}, CFEngine's scheduler first: {@code cf-execd} in a node of its own, its RSS once
 * it has settled and waits for its next run (it starts {@code cf-agent} for each run as ours does).
 */
public final class DaemonMemoryBenchmark {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final String MASTER = "kw-master.example.net";
    private static final String NODE = "misc1.example.net";
    private static final String TOKEN = "daemon-benchmark-token";

    private DaemonMemoryBenchmark() {
    }

    /** One run: the tree's RSS while it waited before the run, the run's peak, and its wall time. */
    record Run(long waitingKib, long peakKib, double seconds) {
    }

    public static void main(String[] args) throws Exception {
        int runs = 1000;
        int interval = 3;
        Path svg = null;
        boolean peer = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--interval" -> interval = Integer.parseInt(args[++i]);
                case "--svg" -> svg = Path.of(args[++i]).toAbsolutePath();
                case "--peer" -> peer = true;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (peer) {
            measurePeer();
        }
        Path work = Files.createDirectories(ROOT.resolve("bench/target/daemon-memory"));
        GitRepo manifests = GitRepo.create(work.resolve("manifests-" + System.nanoTime()), ROOT.resolve("manifests"), "production");
        Path token = Files.writeString(work.resolve("token"), TOKEN + "\n");
        List<Run> measured;
        try (HostBridge bridge = HostBridge.create("10.77.0.1", 24);
                MasterProcess master = MasterProcess.start(ROOT, work.resolve("data-" + System.nanoTime()), manifests.dir().toString(),
                        List.of("--host", bridge.address(), "--name", MASTER, "--ip", bridge.address(), "--autosign-token-file",
                                token.toString()), "");
                DisposableNode node = DisposableNode.start(ROOT.resolve("bench/target/nodes"), NODE, ROOT)) {
            node.attach(bridge, "10.77.0.11");
            node.addHost(bridge.address(), MASTER);
            String agent = ROOT.resolve("bin/kw-agent").toString();
            node.exec(List.of(agent, "bootstrap", "--server", "https://" + MASTER + ":" + master.port(), "--certname", NODE,
                    "--token", TOKEN, "--wait", "30"), Duration.ofMinutes(2)).orThrow();
            Path config = node.path("/etc/kraftwerk/agent.yaml");
            Files.writeString(config, Files.readString(config).replaceAll("(?m)^run_interval: .*$", "run_interval: " + interval + "s"));
            DisposableNode.Result first = node.exec(List.of(agent), Duration.ofMinutes(10)); // converge: the daemon's runs change nothing
            System.out.printf(Locale.ROOT, "first run: status %d; the daemon's runs start now (%d, run_interval %ds)%n",
                    first.exitCode(), runs, interval);
            measured = measure(node, agent, runs);
        }
        report(measured, interval);
        if (svg != null) {
            Files.createDirectories(svg.getParent());
            Files.writeString(svg, plot(measured));
            System.out.println("plot: " + svg);
        }
    }

    private static List<Run> measure(DisposableNode node, String agent, int runs) throws Exception {
        Process daemon = node.spawn(List.of(agent, "daemon"));
        AtomicInteger finished = new AtomicInteger();
        List<String> statuses = Collections.synchronizedList(new ArrayList<>());
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(daemon.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    if (line.startsWith("kw-agent daemon: run finished with status ")) {
                        statuses.add(line.substring(line.lastIndexOf(' ') + 1));
                        finished.incrementAndGet();
                    }
                }
            } catch (IOException e) {
                // the daemon is gone: the loop below notices
            }
        }, "daemon-output");
        reader.setDaemon(true);
        reader.start();
        List<Run> out = new ArrayList<>();
        try {
            long waiting = 0;
            long peak = 0;
            long started = 0;
            boolean inRun = false;
            while (out.size() < runs) {
                if (!daemon.isAlive()) {
                    throw new IllegalStateException("the daemon stopped after " + out.size() + " runs");
                }
                // the node's processes, seen from the host: nsenter's child is the daemon, the rest its descendants
                List<ProcessHandle> tree = daemon.descendants().toList();
                ProcessHandle run = tree.stream().filter(p -> isJvm(p)
                        && p.info().arguments().map(a -> List.of(a).contains("run")).orElse(false)).findFirst().orElse(null);
                if (run != null) {
                    if (!inRun) {
                        inRun = true;
                        started = System.nanoTime();
                        peak = 0;
                    }
                    peak = Math.max(peak, status(run, "VmHWM:"));
                } else if (inRun && finished.get() > out.size()) {
                    inRun = false;
                    out.add(new Run(waiting, peak, (System.nanoTime() - started) / 1e9));
                    waiting = 0;
                    if (out.size() % 100 == 0) {
                        System.out.printf(Locale.ROOT, "%d runs%n", out.size());
                    }
                } else if (!inRun && tree.stream().anyMatch(p -> p.info().command().orElse("").endsWith("/sleep"))
                        && tree.stream().noneMatch(DaemonMemoryBenchmark::isJvm)) {
                    long kib = 0;
                    for (ProcessHandle p : tree) {
                        kib += status(p, "VmRSS:");
                    }
                    waiting = Math.max(waiting, kib);
                }
                Thread.sleep(3); // the sampling period
            }
        } finally {
            terminate(daemon);
        }
        long failed = statuses.stream().filter(s -> !s.equals("0")).count();
        System.out.printf(Locale.ROOT, "runs with a status other than 0 (changes or failures): %d of %d%n", failed, statuses.size());
        return out;
    }

    /** cf-execd waiting for its next run: its RSS, every second for ten seconds, the last printed. */
    private static void measurePeer() throws Exception {
        try (DisposableNode node = DisposableNode.start(ROOT.resolve("bench/target/nodes"), "cf1.example.net", ROOT)) {
            DisposableNode.Result installed = node.exec(List.of("env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y",
                    "-q", "cfengine3"), Duration.ofMinutes(10));
            if (installed.exitCode() != 0) {
                throw new IllegalStateException("cfengine3 is not installable offline; fetch it first with"
                        + " 'apt-get install --download-only -y cfengine3':\n" + installed.stdout() + installed.stderr());
            }
            String version = node.exec(List.of("cf-execd", "--version")).stdout().lines().findFirst().orElse("?");
            Process execd = node.spawn(List.of("cf-execd", "--no-fork"));
            try {
                long kib = 0;
                for (int second = 0; second < 10; second++) {
                    Thread.sleep(1000); // letting it settle: a reading a second, the last one counts
                    kib = execd.descendants().filter(p -> p.info().command().orElse("").endsWith("/cf-execd"))
                            .mapToLong(p -> status(p, "VmRSS:")).sum();
                }
                System.out.printf(Locale.ROOT, "peer: %s, cf-execd resident while it waits: %.1f MiB%n", version, kib / 1024.0);
            } finally {
                terminate(execd);
            }
        }
    }

    /** SIGTERM to what nsenter runs in the node (not nsenter, which would not pass it on), then waits for it. */
    private static void terminate(Process entered) throws Exception {
        for (ProcessHandle child : entered.children().toList()) {
            new ProcessBuilder("kill", "-TERM", String.valueOf(child.pid())).start().waitFor();
        }
        entered.waitFor();
    }

    private static boolean isJvm(ProcessHandle p) {
        return p.info().command().orElse("").endsWith("/java");
    }

    /** A /proc/PID/status field in KiB; 0 once the process is gone. */
    private static long status(ProcessHandle p, String field) {
        try {
            return Files.readAllLines(Path.of("/proc/" + p.pid() + "/status")).stream().filter(l -> l.startsWith(field))
                    .findFirst().map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).orElse(0L);
        } catch (NoSuchFileException gone) {
            return 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static void report(List<Run> runs, int interval) {
        System.out.printf(Locale.ROOT, "%n| runs | waits sampled | between runs, median | max | run's peak RSS, median | max | run wall, median |%n");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|");
        for (int from = 0; from < runs.size(); from += 100) {
            List<Run> part = runs.subList(from, Math.min(runs.size(), from + 100));
            // a run that followed the one before at once (the interval was shorter than run and schedule) had no wait to sample
            List<Double> waits = part.stream().filter(r -> r.waitingKib() > 0).map(r -> (double) r.waitingKib()).toList();
            System.out.printf(Locale.ROOT, "| %d–%d | %d | %.1f MiB | %.1f MiB | %.1f MiB | %.1f MiB | %.2f s |%n", from + 1, from + part.size(),
                    waits.size(), median(waits) / 1024,
                    part.stream().mapToLong(Run::waitingKib).max().orElse(0) / 1024.0,
                    median(part.stream().map(r -> (double) r.peakKib()).toList()) / 1024,
                    part.stream().mapToLong(Run::peakKib).max().orElse(0) / 1024.0,
                    median(part.stream().map(Run::seconds).toList()));
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2);
    }

    /** Both series per run on one axis of MiB: plain SVG, readable in a browser and on GitHub. */
    static String plot(List<Run> runs) {
        int w = 800;
        int h = 300;
        int left = 50;
        int bottom = 30;
        double maxMib = Math.max(16, runs.stream().mapToLong(Run::peakKib).max().orElse(0) / 1024.0) * 1.1;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"11\">%n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n", w, h));
        double plotW = w - left - 10;
        double plotH = h - bottom - 20;
        for (int mib = 0; mib <= maxMib; mib += 16) {
            double y = 20 + plotH - mib / maxMib * plotH;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%d MiB</text>%n", left, w - 10, y, y, left - 4, y + 4, mib));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">run (1 … %d)</text>%n",
                left + (int) plotW / 2, h - 6, runs.size()));
        series(svg, runs, r -> r.peakKib(), "#c0392b", left, plotW, plotH, maxMib);
        series(svg, runs, r -> r.waitingKib(), "#2471a3", left, plotW, plotH, maxMib);
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"14\" fill=\"#c0392b\">each run's peak RSS (kw-agent run)</text>"
                + "<text x=\"%d\" y=\"14\" fill=\"#2471a3\">resident between runs (scheduler + sleep)</text>%n", left, left + 260));
        return svg.append("</svg>\n").toString();
    }

    private static void series(StringBuilder svg, List<Run> runs, java.util.function.ToLongFunction<Run> kib, String colour, int left,
            double plotW, double plotH, double maxMib) {
        StringBuilder points = new StringBuilder();
        for (int i = 0; i < runs.size(); i++) {
            if (kib.applyAsLong(runs.get(i)) == 0) {
                continue; // not observed: the run followed the one before at once, with no wait to sample
            }
            double x = left + (runs.size() == 1 ? 0 : i * plotW / (runs.size() - 1));
            double y = 20 + plotH - kib.applyAsLong(runs.get(i)) / 1024.0 / maxMib * plotH;
            points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
        }
        svg.append("<polyline fill=\"none\" stroke=\"").append(colour).append("\" stroke-width=\"1\" points=\"")
                .append(points.toString().strip()).append("\"/>\n");
    }
}
