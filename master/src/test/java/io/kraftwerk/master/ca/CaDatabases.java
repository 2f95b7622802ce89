package io.kraftwerk.master.ca;

import java.sql.DriverManager;
import java.util.Map;
import java.util.UUID;
import org.flywaydb.core.Flyway;

/** A fresh H2 database in memory with the master's schema (its Flyway migrations, as the master runs them), for a CA ledger. */
final class CaDatabases {
    private CaDatabases() {
    }

    /** A database of its own; it lives until the JVM ends. Row locks wait up to 10 s (H2's default is one). */
    static String h2() {
        String url = "jdbc:h2:mem:ca-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000";
        Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration")
                .placeholders(Map.of("text_type", "character large object", "bytes_type", "binary varying")).load().migrate();
        return url;
    }

    static CaLedger ledger(String url) {
        return CaLedger.database(() -> DriverManager.getConnection(url), url);
    }
}
