package io.kraftwerk.testkit;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway PostgreSQL from Debian's packages: its own cluster in a scratch directory, run by
 * the {@code postgres} user on a free loopback port, with one database and a password-protected
 * user. {@link #close()} stops it and deletes the cluster.
 */
public final class PostgresServer implements AutoCloseable {
    public static final String DATABASE = "kraftwerk";
    public static final String USER = "kraftwerk";
    private final Path bin;
    private final Path dir;
    private final int port;
    private final String password;

    private PostgresServer(Path bin, Path dir, int port, String password) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
        this.password = password;
    }

    /** Starts a cluster in a new directory under the system's temporary directory (the postgres user must reach it). */
    public static PostgresServer start() throws IOException, InterruptedException {
        Path bin = binaries();
        Path dir = Files.createTempDirectory("kraftwerk-pg-");
        run(List.of("chown", "postgres:postgres", dir.toString()));
        String password = Long.toHexString(Double.doubleToLongBits(Math.random())) + Long.toHexString(System.nanoTime());
        Path pwfile = dir.resolve("pwfile");
        Files.writeString(pwfile, password + "\n");
        run(List.of("chown", "postgres:postgres", pwfile.toString()));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path data = dir.resolve("data");
        asPostgres(bin.resolve("initdb"), "--pgdata", data.toString(), "--username", USER, "--pwfile", pwfile.toString(),
                "--auth", "scram-sha-256", "--encoding", "UTF8", "--locale", "C.UTF-8");
        PostgresServer server = new PostgresServer(bin, dir, port, password);
        try {
            asPostgres(bin.resolve("pg_ctl"), "--pgdata", data.toString(), "--wait", "--log", dir.resolve("server.log").toString(),
                    "--options", "-p " + port + " -c listen_addresses=127.0.0.1 -k " + dir, "start");
            Path pgpass = dir.resolve("pgpass");
            Files.writeString(pgpass, "127.0.0.1:" + port + ":*:" + USER + ":" + password + "\n");
            run(List.of("chown", "postgres:postgres", pgpass.toString()));
            run(List.of("chmod", "0600", pgpass.toString()));
            run(List.of("runuser", "-u", "postgres", "--", "env", "PGPASSFILE=" + pgpass, bin.resolve("createdb").toString(),
                    "--host", "127.0.0.1", "--port", String.valueOf(port), "--username", USER, DATABASE));
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    public String password() {
        return password;
    }

    public int port() {
        return port;
    }

    @Override
    public void close() throws IOException {
        try {
            if (Files.exists(dir.resolve("data/postmaster.pid"))) {
                asPostgres(bin.resolve("pg_ctl"), "--pgdata", dir.resolve("data").toString(), "--wait", "--mode", "fast", "stop");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try (var paths = Files.walk(dir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** The newest installed server's programs (Debian: /usr/lib/postgresql/VERSION/bin). */
    private static Path binaries() throws IOException {
        List<Path> found = new ArrayList<>();
        Path root = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(root)) {
            try (DirectoryStream<Path> versions = Files.newDirectoryStream(root)) {
                versions.forEach(v -> {
                    if (Files.isExecutable(v.resolve("bin/initdb"))) {
                        found.add(v.resolve("bin"));
                    }
                });
            }
        }
        if (found.isEmpty()) {
            throw new IOException("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): run .ci/prepare-host,"
                    + " which installs Debian's postgresql");
        }
        found.sort(Comparator.comparing(p -> Integer.parseInt(p.getParent().getFileName().toString().replaceAll("\\D", "0"))));
        return found.get(found.size() - 1);
    }

    private static void asPostgres(Path program, String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("runuser", "-u", "postgres", "--", program.toString()));
        argv.addAll(List.of(args));
        run(argv);
    }

    private static void run(List<String> argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", argv) + " failed:\n" + out);
        }
    }
}
