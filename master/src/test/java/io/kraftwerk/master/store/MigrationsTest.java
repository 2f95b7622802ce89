package io.kraftwerk.master.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.api.Test;

/**
 * The master leaves Flyway out of its start when {@link SchemaCheck} finds the schema current, so
 * SchemaCheck must judge as Flyway would: its checksums are Flyway's own for this build's files,
 * and every kind of history Flyway would act on or refuse goes to Flyway.
 */
class MigrationsTest {
    private static final Path MIGRATIONS = Path.of("src", "main", "resources", "db", "migration");

    @Test
    void theChecksumsAreFlywaysOwnForEveryMigration() throws IOException, SQLException {
        long files;
        try (Stream<Path> migrations = Files.list(MIGRATIONS)) {
            files = migrations.filter(f -> f.getFileName().toString().matches("V\\d+__\\w+\\.sql")).count();
        }
        String url = database();
        migrate(url, null);
        List<Integer> flyways = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection(url); Statement query = connection.createStatement();
             ResultSet rows = query.executeQuery("select \"checksum\" from \"flyway_schema_history\" where \"version\" is not null"
                     + " order by cast(\"version\" as int)")) {
            while (rows.next()) {
                flyways.add(rows.getInt(1));
            }
        }
        assertEquals(files, flyways.size(), "every migration file applied");
        assertEquals(flyways, SchemaCheck.CHECKSUMS, "SchemaCheck.CHECKSUMS must hold Flyway's checksum of each migration, V1 first:"
                + " add a new migration's; a shipped migration must never change (databases that applied it keep the old one)");
    }

    @Test
    void aSchemaIsCurrentOnlyWithEveryMigrationAppliedAsThisBuildHasIt() throws SQLException {
        String url = database();
        try (Connection connection = DriverManager.getConnection(url)) {
            assertFalse(SchemaCheck.current(connection), "a new database has no history");
            migrate(url, String.valueOf(SchemaCheck.CHECKSUMS.size() - 1));
            assertFalse(SchemaCheck.current(connection), "the newest migration still to apply");
            migrate(url, null);
            assertTrue(SchemaCheck.current(connection), "every migration applied");

            insert(connection, 100, "'" + (SchemaCheck.CHECKSUMS.size() + 1) + "'", "SQL", 1, true);
            assertTrue(SchemaCheck.current(connection), "a newer master's migration is left alone, as Flyway leaves it");
            execute(connection, "update \"flyway_schema_history\" set \"success\" = false where \"installed_rank\" = 100");
            assertFalse(SchemaCheck.current(connection), "a failed migration is Flyway's to report");
            execute(connection, "delete from \"flyway_schema_history\" where \"installed_rank\" = 100");

            insert(connection, 101, "null", "DELETE", 0, true);
            assertFalse(SchemaCheck.current(connection), "a repair's deletion is Flyway's to judge");
            execute(connection, "delete from \"flyway_schema_history\" where \"installed_rank\" = 101");
            assertTrue(SchemaCheck.current(connection));

            execute(connection, "update \"flyway_schema_history\" set \"checksum\" = \"checksum\" + 1 where \"version\" = '2'");
            assertFalse(SchemaCheck.current(connection), "V2 applied from another file than this build's: Flyway refuses it");
            execute(connection, "update \"flyway_schema_history\" set \"checksum\" = \"checksum\" - 1 where \"version\" = '2'");
            assertTrue(SchemaCheck.current(connection));

            execute(connection, "update \"flyway_schema_history\" set \"type\" = 'BASELINE' where \"version\" = '1'");
            assertFalse(SchemaCheck.current(connection), "a baseline is Flyway's to judge");
            execute(connection, "update \"flyway_schema_history\" set \"type\" = 'SQL' where \"version\" = '1'");

            execute(connection, "delete from \"flyway_schema_history\" where \"version\" = '3'");
            assertFalse(SchemaCheck.current(connection), "a migration missing from the history");
        }
    }

    private static String database() {
        return "jdbc:h2:mem:schema-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    }

    private static void migrate(String url, String target) {
        FluentConfiguration flyway = Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration")
                .placeholders(Map.of("text_type", "character large object", "bytes_type", "binary varying"));
        (target == null ? flyway : flyway.target(target)).load().migrate();
    }

    private static void insert(Connection connection, int rank, String version, String type, int checksum, boolean success)
            throws SQLException {
        execute(connection, "insert into \"flyway_schema_history\" (\"installed_rank\", \"version\", \"description\", \"type\","
                + " \"script\", \"checksum\", \"installed_by\", \"execution_time\", \"success\") values (" + rank + ", " + version
                + ", 'test', '" + type + "', 'test.sql', " + checksum + ", 'sa', 1, " + success + ")");
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
