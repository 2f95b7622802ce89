package io.kraftwerk.master.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether a database already holds this build's schema, asked before the master starts so that
 * Flyway runs at start only when there is something to migrate or to check. On a current schema
 * Flyway still costs about half a second of every start (its classes, its scan of the migrations,
 * its lock and its queries); this is one query.
 *
 * <p>Current means what Flyway's own validation would find: every migration of this build, V1 to
 * the newest, applied and successful with the checksum Flyway computes for this build's file
 * ({@link #CHECKSUMS}, which MigrationsTest holds to Flyway's own figures), and nothing that Flyway
 * alone can judge (a baseline, a repair's deletion, an undo). Anything else — a new database, a
 * migration missing or failed, one applied from an edited file by another build — goes to Flyway,
 * which migrates or refuses with its message, as before. Versions beyond this build's (a newer
 * master migrated the shared database) are left alone, as Flyway leaves them.
 */
public final class SchemaCheck {
    /** Flyway's checksum of each migration in db/migration, by version (V1 first). */
    static final List<Integer> CHECKSUMS = List.of(1228957318, -1137140221, 1974761554, 354014117, -685706447, -722492496);

    private SchemaCheck() {
    }

    /** True when nothing needs migrating or validating; false when something does or it cannot be told. */
    public static boolean current(Connection connection) {
        Map<Integer, Integer> applied = new HashMap<>();
        try (Statement query = connection.createStatement();
             ResultSet rows = query.executeQuery("select \"version\", \"type\", \"checksum\", \"success\" from \"flyway_schema_history\"")) {
            while (rows.next()) {
                String version = rows.getString(1);
                String type = rows.getString(2);
                if (!rows.getBoolean(4) || type == null || type.equals("DELETE") || type.startsWith("UNDO")) {
                    return false; // a failure, a repair, an undo: Flyway's to judge
                }
                if (version == null) {
                    continue; // repeatable migrations (this build has none) and Flyway's own marker rows
                }
                if (!type.equals("SQL") || !version.chars().allMatch(Character::isDigit) || version.length() > 9) {
                    return false; // a baseline, or a version this build never wrote
                }
                int checksum = rows.getInt(3);
                applied.put(Integer.parseInt(version), rows.wasNull() ? null : checksum);
            }
        } catch (SQLException noHistory) {
            return false; // a new database, or one Flyway must look at itself
        }
        for (int v = 1; v <= CHECKSUMS.size(); v++) {
            if (!CHECKSUMS.get(v - 1).equals(applied.get(v))) {
                return false;
            }
        }
        return true;
    }
}
