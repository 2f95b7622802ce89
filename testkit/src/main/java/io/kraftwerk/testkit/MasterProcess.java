package io.kraftwerk.testkit;

import io.kraftwerk.master.ca.CaLedger;
import io.kraftwerk.master.ca.CertificateAuthority;
import io.kraftwerk.master.settings.DatabaseSettings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;

/**
 * A real {@code bin/kw-master serve} process, as an operator starts it, on a free port. Its output
 * goes to {@code DATA/../master.log}; it is ready when Quarkus says where it listens. {@link #close()}
 * stops it like systemd would (SIGTERM, then SIGKILL) — only the process this started.
 */
public final class MasterProcess implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path dataDir;
    private final Path log;
    private final List<String> options;

    private MasterProcess(Process process, int port, Path dataDir, Path log, List<String> options) {
        this.process = process;
        this.port = port;
        this.dataDir = dataDir;
        this.log = log;
        this.options = List.copyOf(options);
    }

    /**
     * Starts the master.
     *
     * @param repositoryRoot the Kraftwerk checkout (bin/kw-master runs its build)
     * @param dataDir        the master's data directory (CA, TLS files, admin token, reports)
     * @param manifests      the manifests git repository: a path or a URL
     * @param options        more {@code serve} options, e.g. {@code --ip 10.0.0.1}
     * @param javaOptions    JVM options (KW_MASTER_JAVA_OPTS), e.g. {@code -Dkraftwerk.master.max-inflight=2}
     */
    public static MasterProcess start(Path repositoryRoot, Path dataDir, String manifests, List<String> options, String javaOptions)
            throws IOException, InterruptedException {
        int port = freePort();
        Files.createDirectories(dataDir);
        if (!Files.exists(dataDir.resolve("admin.token"))) {
            // as an operator does before the first start: the master refuses to start without one
            Process token = new ProcessBuilder(repositoryRoot.resolve("bin/kw-master").toString(), "admin-token", "--data-dir",
                    dataDir.toString()).redirectErrorStream(true).start();
            String said = new String(token.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (token.waitFor() != 0) {
                throw new IOException("kw-master admin-token failed: " + said);
            }
        }
        installExampleSecretsKey(repositoryRoot, dataDir);
        Path log = dataDir.resolveSibling(dataDir.getFileName() + "-master.log");
        List<String> argv = new ArrayList<>(List.of(repositoryRoot.resolve("bin/kw-master").toString(), "serve",
                "--manifests", manifests, "--data-dir", dataDir.toString(), "--port", String.valueOf(port)));
        argv.addAll(options);
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
        builder.environment().put("KW_MASTER_JAVA_OPTS", javaOptions);
        Process process = builder.start();
        CompletableFuture<Boolean> listening = new CompletableFuture<>();
        Writer logFile = Files.newBufferedWriter(log, StandardCharsets.UTF_8);
        Thread pump = new Thread(() -> {
            try (logFile; BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    logFile.write(line + "\n");
                    logFile.flush();
                    if (line.contains("Listening on: https://")) {
                        listening.complete(true);
                    }
                }
            } catch (IOException e) {
                // the process is gone; its exit is what the caller sees
            }
            listening.complete(false);
        }, "kw-master-log");
        pump.setDaemon(true);
        pump.start();
        boolean ready;
        try {
            ready = listening.get(90, TimeUnit.SECONDS);
        } catch (TimeoutException | ExecutionException e) {
            ready = false;
        }
        MasterProcess master = new MasterProcess(process, port, dataDir, log, options);
        if (!ready) {
            master.close();
            throw new IOException("kw-master serve did not start listening; its output:\n" + Files.readString(log));
        }
        return master;
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public URI url(String host) {
        return URI.create("https://" + host + ":" + port);
    }

    /**
     * The example site's values are encrypted to its example key (examples/secrets-key): a master
     * serving it holds that key beside its own, as a master whose operator restored a key from a
     * backup does (the master still makes its own current key when it first starts).
     */
    private static void installExampleSecretsKey(Path repositoryRoot, Path dataDir) throws IOException {
        Path example = repositoryRoot.resolve("examples/secrets-key");
        Path secrets = dataDir.resolve("secrets");
        if (!Files.isDirectory(example) || Files.exists(secrets)) {
            return;
        }
        Files.createDirectory(secrets, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        try (DirectoryStream<Path> keys = Files.newDirectoryStream(example, "*.key")) {
            for (Path key : keys) {
                Path copy = Files.createFile(secrets.resolve(key.getFileName().toString()),
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.write(copy, Files.readAllBytes(key));
            }
        }
    }

    public Path dataDir() {
        return dataDir;
    }

    /**
     * A node identity issued by this master's CA, as {@code kw-master ca generate} would: from its CA directory, or on
     * PostgreSQL ({@code --database}) from the CA's state in the database.
     */
    public NodeIdentity identity(String certname) throws Exception {
        return NodeIdentity.issue(ca(), certname, Map.of());
    }

    /** The master's CA, opened as {@code kw-master ca} opens it, with the master's own --database options. */
    public CertificateAuthority ca() throws Exception {
        String url = option("--database");
        if (url == null) {
            return CertificateAuthority.openOrCreate(caDir(), "unused", Clock.systemUTC(), CertificateAuthority.Profile.standard());
        }
        String passwordFile = option("--database-password-file");
        DataSource source = DatabaseSettings.postgresql(url, option("--database-user"),
                passwordFile == null ? null : Path.of(passwordFile));
        return CertificateAuthority.openOrCreate(caDir(), "unused", Clock.systemUTC(), CertificateAuthority.Profile.standard(),
                CaLedger.existingDatabase(source::getConnection, url));
    }

    private String option(String name) {
        int i = options.indexOf(name);
        return i >= 0 && i + 1 < options.size() ? options.get(i + 1) : null;
    }

    public Path caDir() {
        return dataDir.resolve("ca");
    }

    public Path caCertificate() {
        return caDir().resolve("ca_crt.pem");
    }

    public String adminToken() throws IOException {
        return Files.readString(dataDir.resolve("admin.token"), StandardCharsets.UTF_8).strip();
    }

    public String log() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    /** The process's peak resident set size (VmHWM), in KiB. */
    public long peakRssKib() throws IOException {
        return procStatus("VmHWM");
    }

    public long rssKib() throws IOException {
        return procStatus("VmRSS");
    }

    private long procStatus(String key) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
            if (line.startsWith(key + ":")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no " + key + " in /proc/" + process.pid() + "/status");
    }

    /** Runs {@code bin/kw-master ARGS --data-dir DATA} (e.g. {@code ca sign NAME}) and returns its output. */
    public Map.Entry<Integer, String> cli(Path repositoryRoot, String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of(repositoryRoot.resolve("bin/kw-master").toString()));
        argv.addAll(List.of(args));
        argv.addAll(List.of("--data-dir", dataDir.toString()));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", argv) + " did not finish within a minute");
        }
        return Map.entry(p.exitValue(), out);
    }

    /** Ends the master as a crash or a power cut would: SIGKILL, nothing of it runs after. Returns once it is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(Duration.ofSeconds(30).toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
