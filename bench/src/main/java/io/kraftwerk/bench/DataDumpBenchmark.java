package io.kraftwerk.bench;

import io.kraftwerk.master.compile.CatalogCompiler;
import io.kraftwerk.master.compile.CompileRequest;
import io.kraftwerk.master.compile.SiteParser;
import io.kraftwerk.master.manifest.DirectoryManifests;
import io.kraftwerk.model.json.ModelJson;
import io.kraftwerk.testkit.DisposableNode;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What {@code kw-agent data dump} and {@code load} cost on an app with 1 GiB of uploads (256 files of
 * 4 MiB from /dev/urandom: photos do not compress) and a 100,000-row table, on one disposable node,
 * beside the bare tools doing the same work by hand — {@code tar} of the folder and {@code pg_dump
 * -Fc} of the database, then {@code pg_restore} into a new database and {@code tar -x} into a new
 * folder — which is what a backup script or an Ansible task runs. The difference is what Kraftwerk
 * adds: the app stopped and started, every part hashed and checked, the archive staged whole before
 * anything is replaced, the swap.
 *
 * <pre>
 * ./mvnw -q -DskipTests package && .ci/prepare-host
 * java -cp bench/target/benchmarks.jar io.kraftwerk.bench.DataDumpBenchmark [--runs 3]
 * </pre>
 */
public final class DataDumpBenchmark {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Path SCRATCH = ROOT.resolve("bench/target/nodes");
    private static final String AGENT = ROOT.resolve("bin/kw-agent").toString();

    private DataDumpBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int runs = ReleaseSwitchBenchmark.runs(args, 3);
        Files.createDirectories(SCRATCH);
        Path site = Files.createTempDirectory(SCRATCH, "data-site-");
        Files.createDirectories(site.resolve("roles"));
        Files.writeString(site.resolve("site.yaml"), "apiVersion: kraftwerk/v1\nkind: Site\nnodes:\n"
                + "  - name: app1.example.net\n    roles: [data]\n");
        Files.write(site.resolve("roles/data.yaml"), resource("data-role.yaml"));
        try (DisposableNode node = DisposableNode.start(SCRATCH, "app1.example.net", ROOT)) {
            ReleaseSwitchBenchmark.wheel(node, "1.0.0");
            exec(node, Duration.ofMinutes(1), "pg_ctlcluster", "15", "main", "start");
            Files.write(node.path("/root/catalog.json"), ModelJson.writeBytes(CatalogCompiler.compile(SiteParser.parse(
                    DirectoryManifests.load(site)), new CompileRequest("app1.example.net", null, null))));
            DisposableNode.Result applied = node.exec(List.of(AGENT, "apply", "/root/catalog.json"), Duration.ofMinutes(10));
            if (applied.exitCode() != 2) {
                throw new IllegalStateException("the first run failed:\n" + applied.stdout() + applied.stderr());
            }
            exec(node, Duration.ofMinutes(10), "sh", "-c", "cd /srv/hello/data/uploads && for i in $(seq 1 256); do"
                    + " runuser -u hello -- head -c 4194304 /dev/urandom > photo-$i.jpg; done && chown hello:hello photo-*");
            exec(node, Duration.ofMinutes(10), "runuser", "-u", "hello", "--", "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", "hello",
                    "-c", "CREATE TABLE notes (id serial PRIMARY KEY, title text NOT NULL, body text NOT NULL, created timestamptz"
                    + " NOT NULL DEFAULT now()); INSERT INTO notes (title, body) SELECT 'note ' || i, repeat(md5(i::text), 4)"
                    + " FROM generate_series(1, 100000) i;");
            String table = exec(node, Duration.ofMinutes(1), "runuser", "-u", "hello", "--", "psql", "-XAtc",
                    "SELECT pg_size_pretty(pg_total_relation_size('notes'))", "-d", "hello").strip();
            List<long[]> kraftwerk = new ArrayList<>();
            List<long[]> tools = new ArrayList<>();
            long size = 0;
            for (int i = 0; i < runs; i++) {
                long start = System.nanoTime();
                exec(node, Duration.ofMinutes(30), AGENT, "data", "dump", "hello", "--output", "/root/hello.kwdump", "--catalog",
                        "/root/catalog.json");
                long dumped = System.nanoTime();
                exec(node, Duration.ofMinutes(30), AGENT, "data", "load", "hello", "/root/hello.kwdump", "--catalog", "/root/catalog.json");
                long loaded = System.nanoTime();
                size = Files.size(node.path("/root/hello.kwdump"));
                kraftwerk.add(new long[] {dumped - start, loaded - dumped});
                Files.delete(node.path("/root/hello.kwdump"));
                tools.add(byHand(node));
            }
            System.out.printf(Locale.ROOT, "1 GiB of uploads (256 files of 4 MiB, random) and a 100,000-row table (%s), %d runs%n%n",
                    table, runs);
            System.out.println("| how | median dump | median load | archive |");
            System.out.println("|---|---:|---:|---:|");
            System.out.printf(Locale.ROOT, "| kw-agent data dump / load (app stopped, hashed, staged, swapped) | %.2f s | %.2f s | %.2f GiB |%n",
                    median(kraftwerk, 0), median(kraftwerk, 1), size / (double) (1L << 30));
            System.out.printf(Locale.ROOT, "| tar + pg_dump -Fc / pg_restore + tar -x, by hand | %.2f s | %.2f s | |%n",
                    median(tools, 0), median(tools, 1));
        }
    }

    /** The same work with the bare tools: into /root, restored into a new database and folder. */
    private static long[] byHand(DisposableNode node) throws Exception {
        long start = System.nanoTime();
        exec(node, Duration.ofMinutes(30), "tar", "--create", "--file=/root/uploads.tar", "--directory=/srv/hello/data/uploads", ".");
        exec(node, Duration.ofMinutes(30), "runuser", "-u", "postgres", "--", "pg_dump", "--format=custom", "--file=/tmp/hello.pgdump",
                "--dbname=hello");
        long dumped = System.nanoTime();
        exec(node, Duration.ofMinutes(5), "runuser", "-u", "postgres", "--", "createdb", "--owner=hello", "hello_copy");
        exec(node, Duration.ofMinutes(30), "runuser", "-u", "postgres", "--", "pg_restore", "--no-owner", "--dbname=hello_copy",
                "/tmp/hello.pgdump");
        exec(node, Duration.ofMinutes(5), "mkdir", "/srv/hello/data/uploads-copy");
        exec(node, Duration.ofMinutes(30), "tar", "--extract", "--file=/root/uploads.tar", "--directory=/srv/hello/data/uploads-copy");
        long loaded = System.nanoTime();
        exec(node, Duration.ofMinutes(5), "runuser", "-u", "postgres", "--", "dropdb", "hello_copy");
        exec(node, Duration.ofMinutes(5), "rm", "-rf", "/srv/hello/data/uploads-copy", "/root/uploads.tar", "/tmp/hello.pgdump");
        return new long[] {dumped - start, loaded - dumped};
    }

    private static double median(List<long[]> samples, int column) {
        List<Long> sorted = samples.stream().map(s -> s[column]).sorted().toList();
        return sorted.get(sorted.size() / 2) / 1e9;
    }

    private static String exec(DisposableNode node, Duration timeout, String... argv) throws Exception {
        DisposableNode.Result r = node.exec(List.of(argv), timeout);
        if (r.exitCode() != 0) {
            throw new IllegalStateException(String.join(" ", argv) + " exited " + r.exitCode() + ":\n" + r.stdout() + r.stderr());
        }
        return r.stdout();
    }

    private static byte[] resource(String name) throws Exception {
        try (InputStream in = DataDumpBenchmark.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }
}
