package io.kraftwerk.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A throwaway Debian node on this host: new mount, PID and UTS namespaces (and a network namespace
 * with only loopback), an overlayfs whose lower layer is the host's {@code /} and whose upper layer
 * is a scratch directory, then chroot. Inside, apt-get, useradd, runit and nginx really run; every
 * change lands in the upper layer and the host is untouched. {@link #close()} kills every process
 * of the node and deletes its layer.
 *
 * <p>Needs root. apt-get inside has no network: the packages a test installs must be in the host's
 * apt cache ({@code apt-get install --download-only --reinstall …}, done by {@code .ci/run}).
 */
public final class DisposableNode implements AutoCloseable {
    private static final String INIT = "/sbin/kw-node-init";
    private final Path base;
    private final Process unshare;
    private final long pid1;

    private DisposableNode(Path base, Process unshare, long pid1) {
        this.base = base;
        this.unshare = unshare;
        this.pid1 = pid1;
    }

    /**
     * Starts a node.
     *
     * @param scratch  a directory for the node's layers (removed on close)
     * @param hostname the node's host name, e.g. web1.example.net
     * @param shared   host directories the node sees as they are, read-only, at the same path
     *                 (the repository with the built agent); they stay visible even under the
     *                 node's own /tmp and /run
     */
    public static DisposableNode start(Path scratch, String hostname, Path... shared) throws IOException, InterruptedException {
        Path base = Files.createTempDirectory(Files.createDirectories(scratch), "node-");
        for (String d : List.of("upper", "work", "merged")) {
            Files.createDirectories(base.resolve(d));
        }
        Path init = base.resolve("kw-node-init");
        try (InputStream in = DisposableNode.class.getResourceAsStream("kw-node-init")) {
            Files.write(init, in.readAllBytes());
        }
        Path setup = base.resolve("setup.sh");
        Files.writeString(setup, setupScript(base, hostname, init, List.of(shared)));
        Process unshare = new ProcessBuilder("unshare", "--mount", "--uts", "--pid", "--net", "--fork", "--kill-child",
                "/bin/sh", setup.toString()).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(unshare.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (!"ready".equals(line)) {
            unshare.destroyForcibly();
            StringBuilder rest = new StringBuilder(String.valueOf(line));
            out.lines().forEach(l -> rest.append('\n').append(l));
            throw new IOException("the node did not start (needs root, unshare and overlayfs): " + rest);
        }
        long pid1 = unshare.toHandle().children().findFirst().map(ProcessHandle::pid)
                .orElseThrow(() -> new IOException("the node's init process is gone"));
        drain(unshare.getInputStream());
        DisposableNode node = new DisposableNode(base, unshare, pid1);
        node.exec(List.of("ip", "link", "set", "lo", "up")).orThrow();
        return node;
    }

    private static String setupScript(Path base, String hostname, Path init, List<Path> shared) {
        String merged = base.resolve("merged").toString();
        StringBuilder binds = new StringBuilder();
        for (Path p : shared) {
            String target = merged + p.toAbsolutePath().normalize();
            binds.append("mkdir -p '").append(target).append("'\n")
                    .append("mount --bind '").append(p.toAbsolutePath().normalize()).append("' '").append(target).append("'\n")
                    .append("mount -o remount,bind,ro '").append(target).append("'\n");
        }
        return String.join("\n",
                "set -e",
                "mount --make-rprivate /",
                "mount -t overlay overlay -o lowerdir=/,upperdir=" + base.resolve("upper") + ",workdir=" + base.resolve("work")
                        + " " + merged,
                "mount -t proc proc " + merged + "/proc",
                "mount --rbind /dev " + merged + "/dev",
                "mount --rbind /sys " + merged + "/sys",
                "mount -t tmpfs -o mode=0755 tmpfs " + merged + "/run",
                "mount -t tmpfs -o mode=1777 tmpfs " + merged + "/tmp",
                binds.toString(),
                "hostname " + hostname,
                // a node is a fresh host: services may start on install, and apt keeps what it downloads
                "rm -f " + merged + "/usr/sbin/policy-rc.d " + merged + "/etc/apt/apt.conf.d/docker-clean",
                "echo " + hostname + " > " + merged + "/etc/hostname",
                "printf '127.0.0.1 localhost\\n127.0.1.1 " + hostname + " " + hostname.split("\\.")[0] + "\\n' > "
                        + merged + "/etc/hosts",
                "install -m 0755 " + init + " " + merged + INIT,
                "echo ready",
                "exec chroot " + merged + " " + INIT,
                "");
    }

    /** The node's file system as seen from the host (through /proc/PID/root). */
    public Path root() {
        return Path.of("/proc/" + pid1 + "/root");
    }

    /** A node path, e.g. {@code /etc/motd}, as a host path. */
    public Path path(String absolute) {
        return Path.of(root() + absolute);
    }

    /** The overlay's upper layer: exactly what changed on the node compared with the host. */
    public Path changes() {
        return base.resolve("upper");
    }

    public long pid1() {
        return pid1;
    }

    /** Runs a program inside the node and waits for it (5 minutes at most). */
    public Result exec(List<String> argv) throws IOException, InterruptedException {
        return exec(argv, Duration.ofMinutes(5));
    }

    public Result exec(List<String> argv, Duration timeout) throws IOException, InterruptedException {
        Process p = spawn(argv);
        var stdout = readAsync(p.getInputStream());
        var stderr = readAsync(p.getErrorStream());
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", argv) + " did not finish within " + timeout);
        }
        return new Result(argv, p.exitValue(), stdout.join(), stderr.join());
    }

    /** Starts a program inside the node without waiting: for tests that kill it. */
    public Process spawn(List<String> argv) throws IOException {
        List<String> command = new ArrayList<>(List.of("nsenter", "--target", String.valueOf(pid1), "--mount", "--uts",
                "--pid", "--net", "--root", "--wd", "--", "env", "-i",
                "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root", "LANG=C.UTF-8"));
        command.addAll(argv);
        return new ProcessBuilder(command).start();
    }

    /**
     * Plugs the node into a bridge on the host: a veth pair whose host end joins the bridge and
     * whose node end is eth0 inside, with {@code address} in the bridge's subnet. The pair goes
     * away with the node's network namespace.
     */
    public void attach(HostBridge bridge, String address) throws IOException, InterruptedException {
        String hostEnd = "kwh" + pid1;
        String nodeEnd = "kwn" + pid1;
        HostBridge.ip("link", "add", hostEnd, "type", "veth", "peer", "name", nodeEnd);
        HostBridge.ip("link", "set", nodeEnd, "netns", String.valueOf(pid1));
        HostBridge.ip("link", "set", hostEnd, "master", bridge.name());
        HostBridge.ip("link", "set", hostEnd, "up");
        exec(List.of("ip", "link", "set", nodeEnd, "name", "eth0")).orThrow();
        exec(List.of("ip", "address", "add", address + "/" + bridge.prefixLength(), "dev", "eth0")).orThrow();
        exec(List.of("ip", "link", "set", "eth0", "up")).orThrow();
    }

    /** Adds a line to the node's /etc/hosts, e.g. the master's name at its host-side address. */
    public void addHost(String address, String... names) throws IOException {
        Files.writeString(path("/etc/hosts"), address + " " + String.join(" ", names) + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
    }

    /** The outcome of a command run in the node. */
    public record Result(List<String> argv, int exitCode, String stdout, String stderr) {
        public Result orThrow() {
            if (exitCode != 0) {
                throw new IllegalStateException(String.join(" ", argv) + " exited with " + exitCode + ":\n" + stdout + stderr);
            }
            return this;
        }
    }

    @Override
    public void close() throws IOException {
        ProcessHandle.of(pid1).ifPresent(ProcessHandle::destroyForcibly);
        unshare.destroyForcibly();
        try {
            unshare.waitFor(30, TimeUnit.SECONDS);
            // the namespace's processes die with its init; wait so the layer is no longer in use
            var init = ProcessHandle.of(pid1);
            if (init.isPresent()) {
                init.get().onExit().get(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("the node's processes did not end", e);
        }
        deleteTree(base);
    }

    private static CompletableFuture<String> readAsync(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static void drain(InputStream in) {
        Thread t = new Thread(() -> {
            try (in) {
                in.transferTo(OutputStream.nullOutputStream());
            } catch (IOException e) {
                // the node is gone
            }
        }, "node-output");
        t.setDaemon(true);
        t.start();
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
