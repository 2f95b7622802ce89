package io.kraftwerk.systemtests;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftwerk.testkit.DisposableNode;
import io.kraftwerk.testkit.HostBridge;
import io.kraftwerk.testkit.MasterProcess;
import java.nio.charset.StandardCharsets;
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
