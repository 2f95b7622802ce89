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
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The master's class data sharing archive, made by {@code ./mvnw package} (master/pom.xml): starts
 * {@code kw-master serve} on the example site in a scratch directory under target/ with
 * {@code -XX:ArchiveClassesAtExit}, asks it what an agent and an operator ask first, and stops it
 * with SIGTERM, at which the JVM writes every class it loaded into the archive. bin/kw-master maps
 * the archive at start: its classes are not read, parsed and verified again (about 1.3 s of a
 * restarted master's 5 s to its first answer on a 2-core machine, docs/benchmarks.md). A run of
 * the java source launcher, so building needs nothing beyond the JDK and git.
 *
 * <p>Arguments: the quarkus-app directory, the archive to write, the manifests directory, a scratch directory.
 */
public class TrainingRun {
    private static final Duration ASK = Duration.ofSeconds(30);

    public static void main(String[] args) throws Exception {
        try {
            train(args);
        } catch (Exception | Error e) {
            Path log = Path.of(args[3]).toAbsolutePath().resolve("master.log");
            if (Files.exists(log)) {
                List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
                System.err.println("the training master's log, last lines:");
                lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(System.err::println);
            }
            throw e;
        }
    }

    private static void train(String[] args) throws Exception {
        Path app = Path.of(args[0]).toAbsolutePath();
        Path archive = Path.of(args[1]).toAbsolutePath();
        Path manifests = Path.of(args[2]).toAbsolutePath();
        Path work = Path.of(args[3]).toAbsolutePath();
        String java = ProcessHandle.current().info().command().orElse("java");
        delete(work);
        Files.deleteIfExists(archive);
        Path repository = work.resolve("manifests");
        copy(manifests, repository);
        // whatever the builder's git settings say: no signing, no hooks, the branch named as the master expects
        run(repository, "git", "init", "-q");
        run(repository, "git", "symbolic-ref", "HEAD", "refs/heads/production");
        run(repository, "git", "add", "-A");
        run(repository, "git", "-c", "user.name=training", "-c", "user.email=training@localhost", "-c", "commit.gpgsign=false",
                "commit", "-q", "--no-verify", "-m", "training");
        Path data = work.resolve("data");
        Path jar = app.resolve("quarkus-run.jar");
        run(work, java, "-jar", jar.toString(), "admin-token", "--data-dir", data.toString());
        String token = Files.readString(data.resolve("admin.token"), StandardCharsets.UTF_8).strip();
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Path log = work.resolve("master.log");
        // the heap bin/kw-master gives: with a much larger one (a build host with 128 GiB) compressed pointers would be
        // off, and every start would refuse the archive
        Process master = new ProcessBuilder(java, "-Xmx256m", "-XX:ArchiveClassesAtExit=" + archive, "-jar", jar.toString(), "serve", "--manifests", repository.toString(), "--data-dir", data.toString(),
                "--port", String.valueOf(port), "--host", "127.0.0.1", "--name", "localhost", "--ip", "127.0.0.1")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            HttpClient client = client(data.resolve("ca/ca_crt.pem"), port, master, log);
            String base = "https://localhost:" + port;
            // what the first agents ask (anonymously, then with a certificate they do not have yet), and an operator
            List<String> asked = new ArrayList<>();
            for (String path : List.of("/v1/ca/certificate", "/v1/ca/crl")) {
                asked.add(path + " " + client.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(ASK).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode());
            }
            asked.add("catalog " + client.send(HttpRequest.newBuilder(URI.create(base + "/v1/catalogs/training.example.net"))
                    .timeout(ASK).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode());
            for (String path : List.of("/v1/admin/status", "/v1/fleet/summary", "/v1/fleet/nodes", "/dashboard")) {
                asked.add(path + " " + client.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(ASK)
                        .header("Authorization", "Bearer " + token)
                        .build(), HttpResponse.BodyHandlers.discarding()).statusCode());
            }
            System.out.println("asked: " + String.join(", ", asked));
        } finally {
            master.destroy(); // SIGTERM: the JVM writes the archive as it exits
            if (!master.waitFor(120, TimeUnit.SECONDS)) {
                master.destroyForcibly();
                throw new IllegalStateException("the training master did not stop within 120 s; see " + log);
            }
        }
        if (!Files.isRegularFile(archive) || Files.size(archive) == 0) {
            throw new IllegalStateException("no class data archive was written at " + archive + "; see " + log);
        }
        System.out.printf("%s: %d MiB%n", archive, Files.size(archive) >> 20);
        delete(work); // a throwaway CA key and admin token: nothing to keep
    }

    /** A client trusting the master's CA, once the master has made it and answers. */
    private static HttpClient client(Path caCertificate, int port, Process master, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        HttpClient client = null;
        while (System.nanoTime() < deadline) {
            if (!master.isAlive()) {
                throw new IllegalStateException("the training master exited with " + master.exitValue() + "; see " + log);
            }
            try {
                if (client == null && Files.exists(caCertificate)) {
                    KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
                    trusted.load(null, null);
                    try (InputStream in = Files.newInputStream(caCertificate)) {
                        trusted.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
                    }
                    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                    trust.init(trusted);
                    SSLContext tls = SSLContext.getInstance("TLS");
                    tls.init(null, trust.getTrustManagers(), null);
                    client = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(2)).build();
                }
                if (client != null) {
                    client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/v1/ca/certificate")).timeout(ASK).build(),
                            HttpResponse.BodyHandlers.discarding());
                    return client;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("the training master did not answer within 120 s; see " + log);
    }

    private static void run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + said);
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }
}
