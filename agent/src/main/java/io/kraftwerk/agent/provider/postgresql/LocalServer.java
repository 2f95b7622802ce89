package io.kraftwerk.agent.provider.postgresql;

import io.kraftwerk.agent.provider.ProviderContext;
import io.kraftwerk.agent.provider.ProviderException;
import io.kraftwerk.model.resource.PostgresqlDatabaseResource;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Whether the node has a PostgreSQL server to ask on a port, looked at before any query. Where
 * there is none at all (the package is not installed yet, or no cluster is set up on that port)
 * there is no database either, and noop can say so as a change like any other (the package
 * resource would install it first). A cluster that is set up but not running is different: its
 * databases exist and cannot be read, which is a failure that says how to start it. (So the
 * agent's training catalog asks for port 1, which no cluster uses: its noop run on a build machine
 * passes whether PostgreSQL is installed there, running, or neither.)
 */
final class LocalServer {
    static final String PG_LSCLUSTERS = "/usr/bin/pg_lsclusters";

    /**
     * Why there is nothing to ask on the port, or empty when its socket is there.
     *
     * @throws ProviderException when a cluster uses the port but does not listen on the socket
     */
    static Optional<Missing> missing(PostgresqlDatabaseResource db, ProviderContext context) throws IOException, ProviderException {
        if (!Files.exists(context.path(Psql.PSQL))) {
            return Optional.of(new Missing("PostgreSQL is not installed (no " + Psql.PSQL + ")",
                    "install it first: declare package[postgresql] before this database"));
        }
        if (Files.exists(context.path(socket(db.port())))) {
            return Optional.empty();
        }
        if (!Files.exists(context.path(PG_LSCLUSTERS))) {
            throw new ProviderException("cannot reach PostgreSQL on " + Psql.where(db.port()) + ": it has no socket "
                    + socket(db.port()) + "; start it (service postgresql start), or check 'port'");
        }
        List<Cluster> clusters = clusters(context.check(List.of(PG_LSCLUSTERS, "--no-header")).stdout());
        for (Cluster c : clusters) {
            if (c.port() == db.port()) {
                throw new ProviderException("cannot reach PostgreSQL on " + Psql.where(db.port()) + ": " + (c.status().startsWith("online")
                        ? "cluster " + c.name() + " is " + c.status() + " but has no socket there; keep Debian's"
                                + " unix_socket_directories = '" + PostgresqlDatabaseResource.SOCKET_DIRECTORY + "' in its postgresql.conf"
                        : "cluster " + c.name() + " is " + c.status() + "; start it (pg_ctlcluster " + c.version() + " " + c.cluster()
                                + " start, or service postgresql start), or check 'port'"));
            }
        }
        List<String> others = clusters.stream().map(c -> c.name() + " on " + c.port()).toList();
        return Optional.of(new Missing("no PostgreSQL cluster uses port " + db.port()
                + (others.isEmpty() ? "" : " (pg_lsclusters: " + String.join(", ", others) + ")"),
                "check 'port', or set up a cluster on it (pg_createcluster)"));
    }

    /** The server's socket for a port: its directory and {@code .s.PGSQL.PORT}. */
    static String socket(int port) {
        return PostgresqlDatabaseResource.SOCKET_DIRECTORY + "/.s.PGSQL." + port;
    }

    /** {@code pg_lsclusters --no-header}: version, cluster, port, status, owner, data directory, log file. */
    static List<Cluster> clusters(String output) {
        List<Cluster> out = new ArrayList<>();
        for (String line : output.split("\n")) {
            String[] f = line.strip().split("\\s+");
            if (f.length >= 4 && f[2].matches("[0-9]{1,5}")) {
                out.add(new Cluster(f[0], f[1], Integer.parseInt(f[2]), f[3]));
            }
        }
        return out;
    }

    /**
     * Nothing to ask.
     *
     * @param why what is missing, for noop ("absent (why)") and failures
     * @param fix what to do about it when the database is to be made
     */
    record Missing(String why, String fix) {
    }

    record Cluster(String version, String cluster, int port, String status) {
        String name() {
            return version + "/" + cluster;
        }
    }
}
