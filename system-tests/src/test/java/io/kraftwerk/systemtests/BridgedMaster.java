package io.kraftwerk.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftwerk.testkit.DisposableNode;
import io.kraftwerk.testkit.HostBridge;
import io.kraftwerk.testkit.MasterProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A master on the host's bridge, under a name the host itself does not resolve (curl is told where it
 * is), and the disposable nodes around it: the admin's API calls and steps run on several nodes at once.
 */
record BridgedMaster(MasterProcess master, HostBridge bridge, String name, Map<String, DisposableNode> nodes) {

    /**
     * Starts a disposable node for each name, on the bridge at its address, resolving the master's name
     * to the bridge; each is put into {@code nodes} as soon as it runs, so the caller closes every one
     * that started, whatever fails after.
     */
    static void startNodes(HostBridge bridge, String masterName, Map<String, String> addresses, Map<String, DisposableNode> nodes)
            throws Exception {
        for (Map.Entry<String, String> n : addresses.entrySet()) {
            DisposableNode node = DisposableNode.start(Repo.SCRATCH, n.getKey(), Repo.ROOT);
            nodes.put(n.getKey(), node);
            node.attach(bridge, n.getValue());
            node.addHost(bridge.address(), masterName);
        }
    }

    /** The example site's apps (kwhello, kwblog) built into the master's artifact store, where nodes fetch them. */
    static void buildExampleApps(MasterProcess master, Path manifests) throws Exception {
        Map.Entry<Integer, String> built = master.cli(Repo.ROOT, "artifacts", "build", "--manifests", manifests.toString(),
                "apps/kwhello", "apps/kwblog");
        assertEquals(0, built.getKey(), built.getValue());
    }

    /** One step on one node. */
    interface OnNode<T> {
        T run(String name, DisposableNode node) throws Exception;
    }

    /** The same step on these nodes at once, as a fleet does it; the results by node, in the order given. */
    <T> Map<String, T> on(List<String> names, OnNode<T> step) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(names.size());
        try {
            Map<String, Future<T>> futures = new LinkedHashMap<>();
            names.forEach(n -> futures.put(n, pool.submit((Callable<T>) () -> step.run(n, nodes.get(n)))));
            Map<String, T> out = new LinkedHashMap<>();
            for (Map.Entry<String, Future<T>> f : futures.entrySet()) {
                out.put(f.getKey(), f.getValue().get());
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    /** An admin API call (curl with the admin token and the master's CA); the body, stripped. */
    String admin(String method, String path, String... curlOptions) throws Exception {
        List<String> argv = new ArrayList<>(List.of("curl", "--silent", "--cacert", master.caCertificate().toString(),
                "--resolve", name + ":" + master.port() + ":" + bridge.address(), "--request", method,
                "--header", "Authorization: Bearer " + master.adminToken()));
        argv.addAll(List.of(curlOptions));
        argv.add("https://" + name + ":" + master.port() + path);
        Process curl = new ProcessBuilder(argv).start();
        String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        curl.waitFor();
        return out;
    }

    /** Waits (a minute at most) until the master's polling has loaded the commit. */
    void awaitPolled(String commit) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        String status = admin("GET", "/v1/admin/status");
        while (!status.contains(commit) && System.nanoTime() < deadline) {
            Thread.sleep(200); // polling the master's status for the condition
            status = admin("GET", "/v1/admin/status");
        }
        assertTrue(status.contains(commit), "the master polled " + commit + ": " + status);
    }
}
