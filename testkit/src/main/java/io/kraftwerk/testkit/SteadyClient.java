package io.kraftwerk.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A client inside a node that requests {@code /} of a virtual host through the node's nginx, one
 * request after another, from {@link #start} until {@link #stop}: what a deployment must not
 * disturb. {@link #stop} returns its summary as one line of JSON (see steady_client.py).
 */
public final class SteadyClient implements AutoCloseable {
    private static final String SCRIPT = "/root/steady_client.py";
    private static final String STOP = "/root/stop-client";
    private final DisposableNode node;
    private final Process process;
    private final BufferedReader lines;

    private SteadyClient(DisposableNode node, Process process) {
        this.node = node;
        this.process = process;
        this.lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Starts the client and returns once its first request has been answered. */
    public static SteadyClient start(DisposableNode node, String host) throws IOException {
        try (InputStream script = SteadyClient.class.getResourceAsStream("steady_client.py")) {
            Files.write(node.path(SCRIPT), script.readAllBytes());
        }
        Files.deleteIfExists(node.path(STOP));
        SteadyClient client = new SteadyClient(node, node.spawn(List.of("python3", SCRIPT, host)));
        String first = client.lines.readLine();
        if (!"started".equals(first)) {
            client.process.destroy();
            throw new IOException("the steady client did not start: " + first);
        }
        return client;
    }

    /** Stops the client after its request in flight and returns its summary (JSON). */
    public String stop() throws IOException, InterruptedException {
        Files.writeString(node.path(STOP), "");
        String summary = lines.readLine();
        if (!process.waitFor(60, TimeUnit.SECONDS) || summary == null) {
            process.destroy();
            throw new IOException("the steady client did not stop with a summary");
        }
        return summary;
    }

    @Override
    public void close() {
        process.destroy();
    }
}
