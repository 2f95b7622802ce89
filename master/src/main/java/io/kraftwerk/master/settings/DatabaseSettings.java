package io.kraftwerk.master.settings;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Which database the master stores reports in, as Quarkus settings: an H2 file under the data
 * directory unless a PostgreSQL URL is given. Only the chosen database's pool, persistence unit
 * and migrations become active.
 */
public final class DatabaseSettings {
    /** The persistence unit (and datasource) of the embedded H2 file. */
    public static final String H2 = "h2";
    /** The persistence unit (and datasource) of PostgreSQL. */
    public static final String POSTGRESQL = "postgresql";

    private DatabaseSettings() {
    }

    /**
     * @param url          a {@code jdbc:postgresql://…} URL, or null for the embedded H2 file
     * @param user         the PostgreSQL user, or null
     * @param passwordFile a file holding the PostgreSQL password, or null
     */
    public static Map<String, String> properties(Path dataDir, String url, String user, Path passwordFile) throws IOException {
        Map<String, String> p = new LinkedHashMap<>();
        if (url == null) {
            Path dir = dataDir.resolve("db");
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            activate(p, H2, h2File(dataDir) + ";DB_CLOSE_ON_EXIT=FALSE");
            return p;
        }
        requirePostgresql(url);
        activate(p, POSTGRESQL, url);
        if (user != null) {
            p.put("quarkus.datasource.\"postgresql\".username", user);
        }
        if (passwordFile != null) {
            p.put("quarkus.datasource.\"postgresql\".password", Files.readString(passwordFile, StandardCharsets.UTF_8).strip());
        }
        return p;
    }

    /**
     * A connection to the H2 file for looking at it before the master starts (is its schema current?), or null when
     * there is none yet: opened read-only and only if it exists, so looking neither makes it nor compacts it on closing.
     */
    public static Connection h2BeforeStart(Path dataDir) throws SQLException {
        if (!Files.exists(dataDir.resolve("db").resolve("kraftwerk.mv.db"))) {
            return null;
        }
        return DriverManager.getConnection(h2File(dataDir) + ";IFEXISTS=TRUE;ACCESS_MODE_DATA=r");
    }

    /**
     * The setting that leaves Flyway out of the start when the schema is known to be current: not made at all, rather
     * than made and told not to migrate (which still costs a tenth of a second).
     */
    public static String flywayActive(String unit) {
        return "quarkus.flyway.\"" + unit + "\".active";
    }

    /** The persistence unit (and datasource) for a {@code --database} URL, or for none. */
    public static String unit(String url) {
        return url == null ? H2 : POSTGRESQL;
    }

    private static String h2File(Path dataDir) {
        return "jdbc:h2:file:" + dataDir.resolve("db").resolve("kraftwerk");
    }

    /**
     * A plain connection source for the PostgreSQL database, for work done outside the running master's pool: the
     * CLI's, and the check before start.
     */
    public static DataSource postgresql(String url, String user, Path passwordFile) throws IOException {
        requirePostgresql(url);
        PGSimpleDataSource source = new PGSimpleDataSource();
        source.setURL(url);
        if (user != null) {
            source.setUser(user);
        }
        if (passwordFile != null) {
            source.setPassword(Files.readString(passwordFile, StandardCharsets.UTF_8).strip());
        }
        return source;
    }

    private static void requirePostgresql(String url) {
        if (!url.startsWith("jdbc:postgresql://")) {
            throw new IllegalArgumentException("--database must be a PostgreSQL JDBC URL such as"
                    + " jdbc:postgresql://db.example.net:5432/kraftwerk (without it, the master uses an H2 file in the data directory)");
        }
    }

    private static void activate(Map<String, String> p, String name, String url) {
        p.put("quarkus.datasource.\"" + name + "\".jdbc.url", url);
        p.put("quarkus.datasource.\"" + name + "\".active", "true");
        p.put("quarkus.hibernate-orm.\"" + name + "\".active", "true");
    }
}
