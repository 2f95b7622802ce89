package io.kraftwerk.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Linux bridge on the host for a test fleet: the host (where the master listens) has the
 * bridge's address, and disposable nodes {@linkplain DisposableNode#attach attached} to it
 * reach the master and each other, and nothing else. Removed on {@link #close()}.
 */
public final class HostBridge implements AutoCloseable {
    private final String name;
    private final String address;
    private final int prefixLength;

    private HostBridge(String name, String address, int prefixLength) {
        this.name = name;
        this.address = address;
        this.prefixLength = prefixLength;
    }

    /**
     * Creates the bridge with {@code address/prefixLength} on the host's side. Refuses a subnet
     * the host already routes, rather than breaking the host's own network.
     */
    public static HostBridge create(String address, int prefixLength) throws IOException, InterruptedException {
        String routes = ip("-4", "route", "show");
        String net = address.substring(0, address.lastIndexOf('.'));
        for (String route : routes.split("\n")) {
            if (route.startsWith(net + ".") || route.startsWith(net + "/")) {
                throw new IOException("the host already routes " + route.strip() + "; the test fleet's subnet " + address + "/"
                        + prefixLength + " would clash with it");
            }
        }
        String name = "kwbr" + Long.toHexString(ProcessHandle.current().pid() & 0xffffff);
        ip("link", "add", name, "type", "bridge");
        HostBridge bridge = new HostBridge(name, address, prefixLength);
        try {
            ip("address", "add", address + "/" + prefixLength, "dev", name);
            ip("link", "set", name, "up");
        } catch (IOException e) {
            bridge.close();
            throw e;
        }
        return bridge;
    }

    public String name() {
        return name;
    }

    /** The host's address on the bridge: where nodes reach the master. */
    public String address() {
        return address;
    }

    public int prefixLength() {
        return prefixLength;
    }

    @Override
    public void close() throws IOException {
        try {
            ip("link", "delete", name);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String ip(String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("ip"));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", argv) + " failed: " + out.strip());
        }
        return out;
    }
}
