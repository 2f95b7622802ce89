package io.kraftwerk.bench;

import io.kraftwerk.master.ca.Pem;
import io.kraftwerk.testkit.DisposableNode;
import io.kraftwerk.testkit.HostBridge;
import io.kraftwerk.testkit.NodeIdentity;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Debian's puppetserver, installed from apt's cache into a disposable node on a host bridge, set
 * up as its package and systemd unit would (its own CA, the {@code puppet} user, the Debian JVM
 * options), serving one site manifest. Agent certificates are issued straight from its CA's key,
 * as {@code puppetserver ca generate} would but without a JRuby start per agent.
 */
final class PuppetServerNode implements AutoCloseable {
    static final String NAME = "puppet.example.net";
    private static final String CA_DIR = "/etc/puppet/puppetserver/ca";
    private final DisposableNode node;
    private final String address;
    private Process server;

    private PuppetServerNode(DisposableNode node, String address, Process server) {
        this.node = node;
        this.address = address;
        this.server = server;
    }

    /** What the Debian unit's ExecStart runs, as the puppet user, with /etc/default/puppetserver. */
    private static Process spawn(DisposableNode node) throws IOException {
        Process server = node.spawn(List.of("runuser", "-u", "puppet", "--", "sh", "-c",
                ". /etc/default/puppetserver && exec java $JAVA_ARGS -Djruby.lib=/usr/share/jruby/lib"
                        + " -XX:+CrashOnOutOfMemoryError -jar /usr/share/puppetserver/puppetserver.jar"
                        + " --config /etc/puppet/puppetserver/conf.d --bootstrap-config /etc/puppet/puppetserver/services.d"
                        + " --restart-file /run/puppetserver/restart"));
        server.getOutputStream().close();
        drain(server);
        return server;
    }

    /**
     * Stops the server and starts it again as its unit would; returns how long it took from the
     * start to the readiness its unit waits for (Trapperkeeper's restart file).
     */
    Duration restart() throws Exception {
        long jvm = jvmPid();
        server.destroyForcibly();
        ProcessHandle.of(jvm).ifPresent(h -> {
            h.destroyForcibly();
            h.onExit().join();
        });
        server.waitFor();
        Files.deleteIfExists(node.path("/run/puppetserver/restart"));
        long started = System.nanoTime();
        server = spawn(node);
        awaitReady(Duration.ofMinutes(5));
        return Duration.ofNanos(System.nanoTime() - started);
    }

    static PuppetServerNode start(Path scratch, Path shared, HostBridge bridge, String address, String siteManifest)
            throws Exception {
        DisposableNode node = DisposableNode.start(scratch, NAME, shared);
        try {
            node.attach(bridge, address);
            node.addHost("127.0.0.1", "puppet");
            node.exec(List.of("env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "-q", "--no-download",
                    "puppetserver"), Duration.ofMinutes(10)).orThrow();
            node.exec(List.of("puppetserver", "ca", "setup", "--certname", NAME, "--subject-alt-names",
                    "puppet,IP:" + address), Duration.ofMinutes(2)).orThrow();
            Path manifests = node.path("/etc/puppet/code/environments/production/manifests");
            Files.createDirectories(manifests);
            Files.writeString(manifests.resolve("site.pp"), siteManifest, StandardCharsets.UTF_8);
            for (String dir : List.of("/run/puppetserver", "/var/log/puppetserver")) {
                node.exec(List.of("install", "-d", "-o", "puppet", "-g", "puppet", dir)).orThrow();
            }
            Process server = spawn(node);
            PuppetServerNode puppet = new PuppetServerNode(node, address, server);
            puppet.awaitReady(Duration.ofMinutes(5));
            return puppet;
        } catch (Exception e) {
            node.close();
            throw e;
        }
    }

    /** Trapperkeeper writes 1 to the restart file once every service is up (the unit waits for it too). */
    private void awaitReady(Duration within) throws Exception {
        Path restart = node.path("/run/puppetserver/restart");
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(restart) && Files.readString(restart).startsWith("1")) {
                return;
            }
            if (!server.isAlive()) {
                throw new IOException("puppetserver exited with " + server.exitValue());
            }
            Thread.sleep(250); // polling the readiness file
        }
        throw new IOException("puppetserver was not ready within " + within);
    }

    String address() {
        return address;
    }

    String version() throws Exception {
        return node.exec(List.of("dpkg-query", "--show", "--showformat", "${Version}", "puppetserver")).orThrow().stdout();
    }

    X509Certificate caCertificate() throws Exception {
        return Pem.certificate(Files.readString(node.path(CA_DIR + "/ca_crt.pem")));
    }

    /** An agent identity signed by the puppet CA's (intermediate) key. */
    NodeIdentity issue(String certname) throws Exception {
        X509Certificate ca = caCertificate();
        PrivateKey caKey = Pem.privateKey(Files.readString(node.path(CA_DIR + "/ca_key.pem")));
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair keys = g.generateKeyPair();
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca, new BigInteger(64, new SecureRandom()),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(30))), new X500Name("CN=" + certname),
                keys.getPublic());
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withRSA").build(caKey)));
        return new NodeIdentity(certname, keys.getPrivate(), cert, ca);
    }

    /** The server JVM's host PID. */
    private long jvmPid() throws IOException {
        // nsenter forks the server into the node's PID namespace: it is a descendant of the spawned process
        Optional<ProcessHandle> jvm = server.toHandle().descendants()
                .filter(h -> h.info().command().map(c -> c.endsWith("/java")).orElse(false)).findFirst();
        if (jvm.isEmpty()) {
            throw new IOException("the puppetserver JVM is not running");
        }
        return jvm.get().pid();
    }

    double cpuSeconds() {
        try {
            return LoadPhase.cpuSeconds(jvmPid());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The server JVM's peak RSS in KiB, read from the host's /proc. */
    long peakRssKib() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + jvmPid() + "/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no VmHWM for the puppetserver JVM");
    }

    @Override
    public void close() throws IOException {
        server.destroyForcibly();
        node.close();
    }

    private static void drain(Process p) {
        for (InputStream stream : List.of(p.getInputStream(), p.getErrorStream())) {
            Thread t = new Thread(() -> {
                try (stream) {
                    stream.transferTo(OutputStream.nullOutputStream());
                } catch (IOException e) {
                    // the server is gone
                }
            }, "puppetserver-output");
            t.setDaemon(true);
            t.start();
        }
    }
}
