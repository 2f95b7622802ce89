package io.kraftwerk.master.store;

import io.kraftwerk.master.settings.DatabaseSettings;
import io.quarkus.arc.InjectableInstance;
import io.quarkus.hibernate.orm.PersistenceUnit;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.ConfigProvider;
import org.hibernate.Session;
import org.jboss.logging.Logger;

/**
 * The Hibernate session of whichever database this master runs on. Both persistence units
 * (H2 and PostgreSQL, over the same entities) are built in; {@code kw-master serve} activates one
 * at start, so the rest of the master simply injects {@link Session}.
 */
@ApplicationScoped
public class Database {
    private static final Logger LOG = Logger.getLogger(Database.class);

    @Inject
    @PersistenceUnit(DatabaseSettings.H2)
    InjectableInstance<Session> h2;

    @Inject
    @PersistenceUnit(DatabaseSettings.POSTGRESQL)
    InjectableInstance<Session> postgresql;

    private boolean postgresqlActive() {
        return postgresql.getHandle().getBean().isActive();
    }

    /** Whether this master stores in its embedded H2 file (which makes a commit durable only when asked: {@link ReportWriter}). */
    public boolean embedded() {
        return !postgresqlActive() && h2.getHandle().getBean().isActive();
    }

    /** Says when the start left Flyway out (kw-master serve found the schema current): what is not logged cannot be checked. */
    void started(@Observes StartupEvent event) {
        String unit = postgresqlActive() ? DatabaseSettings.POSTGRESQL : DatabaseSettings.H2;
        if (!ConfigProvider.getConfig().getOptionalValue(DatabaseSettings.flywayActive(unit), Boolean.class).orElse(true)) {
            LOG.infof("the database has every migration of this build (V1 to V%d, as this build has them): Flyway was not started",
                    SchemaCheck.CHECKSUMS.size());
        }
    }

    @Produces
    @ApplicationScoped
    Session session() {
        if (postgresqlActive()) {
            return postgresql.get();
        }
        if (h2.getHandle().getBean().isActive()) {
            return h2.get();
        }
        throw new IllegalStateException("no database is active: start the master with 'kw-master serve', which sets one up");
    }
}
