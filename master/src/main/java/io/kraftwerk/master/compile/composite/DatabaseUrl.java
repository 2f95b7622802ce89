package io.kraftwerk.master.compile.composite;

import io.kraftwerk.model.resource.PostgresqlDatabaseResource;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The libpq connection URL an app gets for a database of its node, in the form Django's
 * dj-database-url, SQLAlchemy and psycopg all read. With a password: TCP to localhost, where
 * Debian's pg_hba.conf asks for it (scram-sha-256). Without: the server's Unix socket, where
 * Debian's pg_hba.conf lets a user in as the role of the same name (peer), so an app whose user and
 * database owner share its name needs no password at all.
 */
final class DatabaseUrl {
    private DatabaseUrl() {
    }

    static String of(PostgresqlDatabaseResource db) {
        if (db.password() != null) {
            return "postgresql://" + encode(db.owner()) + ":" + encode(db.password()) + "@localhost:" + db.port() + "/" + db.name();
        }
        return "postgresql://" + db.owner() + "@/" + db.name() + "?host=" + PostgresqlDatabaseResource.SOCKET_DIRECTORY
                + "&port=" + db.port();
    }

    /** Percent-encoding for a URL's user-info part (a password may hold ':', '@' or '/'). */
    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
