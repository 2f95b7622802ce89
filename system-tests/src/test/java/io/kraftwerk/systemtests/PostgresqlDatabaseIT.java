package io.kraftwerk.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftwerk.model.catalog.Catalog;
import io.kraftwerk.model.catalog.CatalogResource;
import io.kraftwerk.model.catalog.Provenance;
import io.kraftwerk.model.json.ModelJson;
import io.kraftwerk.model.resource.Ensure;
import io.kraftwerk.model.resource.PostgresqlDatabaseResource;
import io.kraftwerk.testkit.DisposableNode;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * postgresql_database in a disposable node, against the host's PostgreSQL binaries and cluster
 * (seen through the node's overlay, so the host's cluster stays as it was), started in the node
 * with Debian's pg_ctlcluster: the database and its login role are made, the owner logs in with
 * the password over TCP, a second run is in sync, an owner changed by hand is shown by noop and
 * put back by a run, a new password replaces the old one, and absent drops the database and keeps
 * the role. No password ever reaches the agent's output, report or state, or the server's log.
 */
class PostgresqlDatabaseIT {
    private static final String FIRST = "Fir5t-pa55word";
    private static final String SECOND = "sec0nd:pa55'word";

    @Test
    void createdLoggedIntoInSyncDriftRepairedPasswordChangedAndDropped() throws Exception {
        try (DisposableNode node = DisposableNode.start(Repo.SCRATCH, "db1.example.net", Repo.ROOT)) {
            List<String> cluster = cluster(node);
            node.exec(List.of("pg_ctlcluster", cluster.get(0), cluster.get(1), "start")).orThrow();
            List<DisposableNode.Result> runs = new ArrayList<>();
            try {
                write(node, "/root/present.json", shop(Ensure.PRESENT, FIRST));
                DisposableNode.Result first = apply(node, runs, "/root/present.json");
                assertEquals(2, first.exitCode(), first.stdout() + first.stderr());
                assertEquals("shop_app|UTF8|C.UTF-8\n", sql(node, "SELECT pg_get_userbyid(datdba), pg_encoding_to_char(encoding),"
                        + " datcollate FROM pg_database WHERE datname = 'shop'"));
                assertEquals("t|f|f|f|t\n", sql(node, "SELECT rolcanlogin, rolsuper, rolcreatedb, rolcreaterole,"
                        + " rolpassword LIKE 'SCRAM-SHA-256$4096:%' FROM pg_authid WHERE rolname = 'shop_app'"));
                assertEquals("shop_app\n", login(node, FIRST).orThrow().stdout(), "the owner logs in with the password over TCP");
                assertEquals(0, apply(node, runs, "/root/present.json").exitCode(), "in sync the second time");

                // someone gives the database away by hand: noop says so and leaves it; a run puts it back
                sql(node, "ALTER DATABASE shop OWNER TO postgres");
                DisposableNode.Result noop = apply(node, runs, "/root/present.json", "--noop");
                assertEquals(2, noop.exitCode(), noop.stdout());
                assertTrue(noop.stdout().contains("would change postgresql_database[shop]: owner 'postgres' -> 'shop_app'"), noop.stdout());
                assertEquals("postgres\n", owner(node), "noop changed nothing");
                DisposableNode.Result repaired = apply(node, runs, "/root/present.json");
                assertEquals(2, repaired.exitCode(), repaired.stdout());
                assertTrue(repaired.stdout().contains("owner 'postgres' -> 'shop_app' (drift"),
                        "a corrective change: " + repaired.stdout());
                assertEquals("shop_app\n", owner(node));

                write(node, "/root/changed.json", shop(Ensure.PRESENT, SECOND));
                DisposableNode.Result changed = apply(node, runs, "/root/changed.json");
                assertEquals(2, changed.exitCode(), changed.stdout());
                assertTrue(changed.stdout().contains("changed      postgresql_database[shop]: password '[sensitive]' -> '[sensitive]'\n"),
                        "the catalog's new password is its change, not drift repaired: " + changed.stdout());
                DisposableNode.Result old = login(node, FIRST);
                assertEquals(2, old.exitCode(), "the old password is refused");
                assertTrue(old.stderr().contains("password authentication failed for user \"shop_app\""), old.stderr());
                assertEquals("shop_app\n", login(node, SECOND).orThrow().stdout());
                assertEquals(0, apply(node, runs, "/root/changed.json").exitCode(), "the new password is in sync");

                write(node, "/root/absent.json", shop(Ensure.ABSENT, null));
                DisposableNode.Result dropped = apply(node, runs, "/root/absent.json");
                assertEquals(2, dropped.exitCode(), dropped.stdout());
                assertEquals("0\n", sql(node, "SELECT count(*) FROM pg_database WHERE datname = 'shop'"));
                assertEquals("1\n", sql(node, "SELECT count(*) FROM pg_roles WHERE rolname = 'shop_app'"), "the role stays");
                assertEquals(0, apply(node, runs, "/root/absent.json").exitCode(), "absent stays absent");

                List<String> seen = new ArrayList<>();
                runs.forEach(r -> seen.addAll(List.of(r.stdout(), r.stderr())));
                for (String file : List.of("/var/lib/kraftwerk/reports/last_run.json", "/var/lib/kraftwerk/state.json",
                        "/var/log/postgresql/postgresql-" + cluster.get(0) + "-" + cluster.get(1) + ".log")) {
                    seen.add(Files.readString(node.path(file)));
                }
                for (String text : seen) {
                    assertFalse(text.contains(FIRST) || text.contains(SECOND), "a password in: " + text);
                }
            } finally {
                // the node's end kills every process in it anyway; a clean stop keeps its log readable
                node.exec(List.of("pg_ctlcluster", cluster.get(0), cluster.get(1), "stop"));
            }
        }
    }

    private static PostgresqlDatabaseResource shop(Ensure ensure, String password) {
        return new PostgresqlDatabaseResource("shop", ensure, ensure == Ensure.ABSENT ? null : "shop_app", password, null,
                ensure == Ensure.ABSENT ? null : "C.UTF-8", null, ensure == Ensure.ABSENT);
    }

    /** The version and name of the host's first cluster (Debian's postgresql package made it), as the node sees it. */
    private static List<String> cluster(DisposableNode node) throws Exception {
        String clusters = node.exec(List.of("pg_lsclusters", "--no-header")).orThrow().stdout().strip();
        if (clusters.isEmpty()) {
            throw new IllegalStateException("no PostgreSQL cluster on this host: run .ci/prepare-host, which installs Debian's postgresql");
        }
        String[] fields = clusters.lines().findFirst().orElseThrow().strip().split("\\s+");
        return List.of(fields[0], fields[1]);
    }

    private static DisposableNode.Result apply(DisposableNode node, List<DisposableNode.Result> runs, String catalog, String... options)
            throws Exception {
        List<String> argv = new ArrayList<>(List.of(Repo.agent(), "apply", catalog));
        argv.addAll(List.of(options));
        DisposableNode.Result result = node.exec(argv, Duration.ofMinutes(2));
        runs.add(result);
        return result;
    }

    /** A statement as the server's postgres user over the socket; its rows unaligned. */
    private static String sql(DisposableNode node, String statement) throws Exception {
        return node.exec(List.of("runuser", "-u", "postgres", "--", "psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d",
                "postgres", "-c", statement)).orThrow().stdout();
    }

    private static String owner(DisposableNode node) throws Exception {
        return sql(node, "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'shop'");
    }

    /** What an app does: log in over TCP with the password (SCRAM, as Debian's pg_hba.conf asks on 127.0.0.1). */
    private static DisposableNode.Result login(DisposableNode node, String password) throws Exception {
        return node.exec(List.of("env", "PGPASSWORD=" + password, "psql", "-X", "-A", "-t", "-h", "127.0.0.1", "-U", "shop_app",
                "-d", "shop", "-c", "SELECT current_user"));
    }

    private static void write(DisposableNode node, String path, PostgresqlDatabaseResource db) throws Exception {
        Provenance where = new Provenance("roles/db.yaml", 1, 1, "db", null);
        Files.write(node.path(path), ModelJson.writeBytes(new Catalog(Catalog.FORMAT_VERSION, "db1.example.net", "production",
                "sha256:db", List.of(CatalogResource.of(db, false, List.of(), where)), List.of())));
    }
}
