package io.kraftwerk.master.cli;

import io.kraftwerk.master.auth.AdminToken;
import io.kraftwerk.master.ca.CaException;
import io.kraftwerk.master.serve.MasterSetup;
import io.kraftwerk.master.settings.DatabaseSettings;
import io.kraftwerk.master.manifest.ManifestException;
import io.kraftwerk.master.manifest.QuietJGit;
import io.kraftwerk.master.notify.Webhooks;
import io.kraftwerk.master.settings.MasterPaths;
import io.kraftwerk.master.store.SchemaCheck;
import io.quarkus.runtime.Quarkus;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kw-master serve}: the master over HTTPS with mutual TLS (Quarkus starts only here). */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve catalogs to agents over mutual TLS, with the CA, from a git repository of manifests.")
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--manifests", required = true, paramLabel = "REPO",
            description = "The manifests git repository: a path (bare or work tree) or a URL to mirror. Branches are environments.")
    String manifests;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "/var/lib/kraftwerk-master",
            description = "CA, TLS files, admin token, reports (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--port", defaultValue = "8140", description = "HTTPS port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", defaultValue = "0.0.0.0", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--name", paramLabel = "DNS",
            description = "A DNS name agents use to reach the master; repeat for several (default: this host's name).")
    List<String> names = new ArrayList<>();

    @Option(names = "--ip", paramLabel = "ADDRESS", description = "An IP address agents may use; repeat for several.")
    List<String> ips = new ArrayList<>();

    @Option(names = "--default-environment", defaultValue = "production", paramLabel = "BRANCH",
            description = "The branch whose site.yaml classifies nodes (default: ${DEFAULT-VALUE}).")
    String defaultEnvironment;

    @Option(names = "--poll-interval", defaultValue = "15s", paramLabel = "DURATION",
            description = "How often to look for new commits (default: ${DEFAULT-VALUE}).")
    String pollInterval;

    @Option(names = "--autosign-token-file", paramLabel = "FILE",
            description = "Sign requests that carry the token in this file without an operator.")
    Path autosignTokenFile;

    @Option(names = "--autosign-glob", paramLabel = "GLOB",
            description = "Sign requests from certnames matching this glob without an operator; repeat for several.")
    List<String> autosignGlobs = new ArrayList<>();

    @Option(names = "--database", paramLabel = "JDBC_URL",
            description = "Store reports in PostgreSQL at this URL (jdbc:postgresql://HOST:PORT/DB); default: an H2 file in the data directory.")
    String database;

    @Option(names = "--database-user", paramLabel = "USER", description = "The PostgreSQL user.")
    String databaseUser;

    @Option(names = "--database-password-file", paramLabel = "FILE", description = "A file holding the PostgreSQL password.")
    Path databasePasswordFile;

    @Option(names = "--webhooks", paramLabel = "FILE",
            description = "Where alerts go (default: DATA/webhooks.yaml when it exists); checked before the master starts.")
    Path webhooks;

    @Override
    public Integer call() throws IOException, CaException {
        List<String> dns = names.isEmpty() ? List.of(InetAddress.getLocalHost().getCanonicalHostName(), "localhost") : names;
        List<String> addresses = ips.isEmpty() ? List.of("127.0.0.1") : ips;
        try {
            AdminToken.read(new MasterPaths(dataDir.toAbsolutePath()).adminToken());
        } catch (AdminToken.Unusable e) {
            System.err.println("kw-master serve: " + e.getMessage());
            return 1;
        }
        Path hooks = webhooks != null ? webhooks.toAbsolutePath() : new MasterPaths(dataDir.toAbsolutePath()).webhooks();
        if (webhooks != null && !Files.exists(hooks)) {
            System.err.println("kw-master serve: --webhooks " + hooks + ": no such file");
            return 1;
        }
        try {
            Webhooks.load(hooks);
        } catch (ManifestException e) {
            System.err.println("kw-master serve: the webhooks file does not load:");
            e.diagnostics().forEach(d -> System.err.println("  " + d));
            return 1;
        }
        System.setProperty("kraftwerk.master.webhooks", hooks.toString());
        QuietJGit.keepIn(new MasterPaths(dataDir.toAbsolutePath()).jgitConfig());
        Map<String, String> tls;
        DataSource postgresql;
        try {
            // one connection source for what is asked of PostgreSQL before the start (the CA's state, the schema)
            postgresql = database == null ? null : DatabaseSettings.postgresql(database, databaseUser, databasePasswordFile);
            tls = MasterSetup.prepare(dataDir.toAbsolutePath(), dns, addresses, postgresql == null ? null : postgresql::getConnection,
                    database);
        } catch (CaException | IllegalArgumentException e) {
            System.err.println("kw-master serve: " + e.getMessage());
            return 1;
        }
        tls.forEach(System::setProperty);
        DatabaseSettings.properties(dataDir.toAbsolutePath(), database, databaseUser, databasePasswordFile)
                .forEach(System::setProperty);
        if (schemaCurrent(postgresql)) {
            System.setProperty(DatabaseSettings.flywayActive(DatabaseSettings.unit(database)), "false"); // Flyway only when there is something to migrate
        }
        System.setProperty("quarkus.http.ssl-port", String.valueOf(port));
        System.setProperty("quarkus.http.host", host);
        System.setProperty("kraftwerk.master.data-dir", dataDir.toAbsolutePath().toString());
        System.setProperty("kraftwerk.master.manifests", manifests);
        System.setProperty("kraftwerk.master.default-environment", defaultEnvironment);
        System.setProperty("kraftwerk.master.poll-interval", pollInterval);
        System.setProperty("kraftwerk.master.server-names", String.join(",", dns));
        System.setProperty("kraftwerk.master.server-ips", String.join(",", addresses));
        if (autosignTokenFile != null) {
            System.setProperty("kraftwerk.master.autosign-token", Files.readString(autosignTokenFile, StandardCharsets.UTF_8).strip());
        }
        if (!autosignGlobs.isEmpty()) {
            System.setProperty("kraftwerk.master.autosign-globs", String.join(",", autosignGlobs));
        }
        Quarkus.run();
        return 0;
    }

    /** Whether the database already has this build's schema; when it cannot be told, Flyway runs and says what is wrong. */
    private boolean schemaCurrent(DataSource postgresql) {
        try (Connection connection = postgresql != null ? postgresql.getConnection() : DatabaseSettings.h2BeforeStart(dataDir.toAbsolutePath())) {
            return connection != null && SchemaCheck.current(connection);
        } catch (SQLException e) {
            return false;
        }
    }
}
