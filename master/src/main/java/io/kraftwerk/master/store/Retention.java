package io.kraftwerk.master.store;

import io.kraftwerk.master.settings.MasterConfig;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Instant;
import org.hibernate.Session;
import org.jboss.logging.Logger;

/**
 * Forgets reports, their events, compile errors and finished webhook deliveries older than {@code kraftwerk.master.report-retention}
 * (30 days by default), hourly. Nodes stay, with the summary of their latest report.
 */
@ApplicationScoped
public class Retention {
    private static final Logger LOG = Logger.getLogger(Retention.class);

    @Inject
    Session session;

    @Inject
    MasterConfig config;

    @Scheduled(every = "1h", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void hourly() {
        purge(Instant.now().minus(config.reportRetention()));
    }

    /** @return the number of reports removed */
    @Transactional
    public int purge(Instant before) {
        int events = session.createMutationQuery("delete from StoredEvent e where e.startAt < :t").setParameter("t", before)
                .executeUpdate();
        int reports = session.createMutationQuery("delete from StoredReport r where r.startAt < :t").setParameter("t", before)
                .executeUpdate();
        session.createMutationQuery("delete from StoredCompileError e where e.recordedAt < :t").setParameter("t", before)
                .executeUpdate();
        session.createMutationQuery("delete from StoredDelivery d where d.createdAt < :t and d.status <> 'pending'").setParameter("t", before)
                .executeUpdate();
        if (reports > 0) {
            LOG.infof("retention: removed %d reports and %d events older than %s", reports, events, before);
        }
        return reports;
    }
}
