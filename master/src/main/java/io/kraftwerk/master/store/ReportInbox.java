package io.kraftwerk.master.store;

import io.kraftwerk.master.settings.MasterConfig;
import io.kraftwerk.master.store.entity.StoredEvent;
import io.kraftwerk.master.store.entity.StoredNode;
import io.kraftwerk.master.store.entity.StoredReport;
import io.kraftwerk.master.util.Gzip;
import io.kraftwerk.model.json.DocumentFormatException;
import io.kraftwerk.model.json.ModelJson;
import io.kraftwerk.model.report.Event;
import io.kraftwerk.model.report.Report;
import io.kraftwerk.model.report.ResourceReport;
import io.kraftwerk.model.report.ResourceStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import org.hibernate.Session;

/**
 * Takes agents' reports: each is checked completely, then stored in one transaction with its
 * events and the node's summary — whole or not at all. A report sent twice (an agent retrying its
 * queue) is stored once.
 */
@ApplicationScoped
public class ReportInbox {
    @Inject
    Session session;

    @Inject
    NodeRows nodes;

    @Inject
    NodeSightings sightings;

    @Inject
    MasterConfig config;

    @Inject
    Announcements announcements;

    Clock clock = Clock.systemUTC();

    /**
     * What became of a report.
     *
     * @param run the run it reports as stored (for a report sent again, the stored one), or null when refused
     */
    public record Receipt(int status, String message, NodeReported run) {
        public Receipt(int status, String message) {
            this(status, message, null);
        }
    }

    /**
     * Reports are read, checked and stored a few at a time (two per core): a burst of agents
     * waits holding only the bytes they sent, not hundreds of parsed reports and open transactions.
     */
    private final Semaphore slots = new Semaphore(2 * Runtime.getRuntime().availableProcessors(), true);

    public Receipt accept(String certname, byte[] json) {
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Receipt(503, "the master is shutting down");
        }
        try {
            Report report;
            try {
                report = ModelJson.readReport(json, "report");
            } catch (DocumentFormatException e) {
                return new Receipt(400, "the report is not valid: " + String.join("; ", e.problems()));
            }
            if (!report.node().equals(certname)) {
                return new Receipt(403, "a node may send only its own reports: this report is for " + report.node());
            }
            Instant latest = clock.instant().plus(config.reportClockSkew());
            if (report.start().isAfter(latest)) {
                // stored, it would stand as the node's latest report until the clock caught up with it
                return new Receipt(400, "the report's start (" + report.start() + ") lies more than "
                        + config.reportClockSkew().toSeconds() + " s after the master's clock (" + clock.instant()
                        + "); the node's clock is wrong: set it right (NTP) and the agent's next run reports again");
            }
            nodes.ensure(report.node()); // before the transaction: see NodeRows
            return store(report, json);
        } finally {
            slots.release();
        }
    }

    /**
     * One transaction: the report, its events, the node's summary. The node's row is locked first,
     * so a node's reports are stored one after the other, whichever master takes them: the same run
     * sent twice at once (an agent retrying while its first attempt is still being stored) is found
     * already stored by the second, never half-stored twice.
     */
    @Transactional
    Receipt store(Report report, byte[] json) {
        StoredNode node = nodes.lock(report.node());
        Optional<StoredReport> already = session.createSelectionQuery("from StoredReport r where r.certname = :n and r.runId = :run",
                StoredReport.class).setParameter("n", report.node()).setParameter("run", report.runId()).uniqueResultOptional();
        if (already.isPresent()) {
            StoredReport r = already.get();
            return new Receipt(200, "already stored", new NodeReported(r.certname, r.environment, null, NodeStatus.parse(r.nodeStatus),
                    r.id, r.catalogVersion, r.startAt));
        }
        NodeStatus status = NodeStatus.of(report);
        StoredReport stored = new StoredReport();
        stored.certname = report.node();
        stored.runId = report.runId();
        stored.startAt = report.start();
        stored.receivedAt = clock.instant();
        stored.durationMillis = report.durationMillis();
        stored.status = report.status().name().toLowerCase(Locale.ROOT);
        stored.nodeStatus = status.wire();
        stored.mode = report.mode().name().toLowerCase(Locale.ROOT);
        stored.noopPending = report.noopPending();
        stored.corrective = report.correctiveChange();
        stored.catalogVersion = report.catalogVersion();
        stored.environment = report.environment();
        stored.catalogSource = report.catalogSource().name().toLowerCase(Locale.ROOT);
        stored.resources = report.resources().size();
        stored.changes = report.metrics().changes();
        stored.failures = (int) report.resources().stream()
                .filter(r -> r.status() == ResourceStatus.FAILED || r.status() == ResourceStatus.SKIPPED).count();
        stored.drifts = (int) report.resources().stream().filter(r -> r.corrective() || r.status() == ResourceStatus.AUDIT).count();
        stored.body = Gzip.pack(json);
        session.persist(stored);
        for (ResourceReport r : report.resources()) {
            for (Event e : r.events()) {
                StoredEvent event = new StoredEvent();
                event.reportId = stored.id;
                event.certname = report.node();
                event.startAt = report.start();
                event.resource = r.id();
                event.resourceType = r.type();
                event.property = e.property();
                event.previous = e.previous();
                event.desired = e.desired();
                event.status = e.status().name().toLowerCase(Locale.ROOT);
                event.corrective = e.corrective();
                event.message = e.message();
                session.persist(event);
            }
        }
        sightings.applyPending(report.node(), node);
        if (node.lastReportAt == null || !report.start().isBefore(node.lastReportAt)) {
            NodeStatus previous = node.lastReportAt == null ? null
                    : node.lastReportAt.isBefore(clock.instant().minus(config.runInterval().multipliedBy(2))) ? NodeStatus.UNRESPONSIVE
                    : node.lastStatus == null ? null : NodeStatus.parse(node.lastStatus);
            announcements.reported(new NodeReported(report.node(), report.environment(), previous, status, stored.id, report.catalogVersion(),
                    report.start()));
            node.lastReportId = stored.id;
            node.lastReportAt = report.start();
            node.lastStatus = status.wire();
            node.environment = report.environment();
            node.catalogVersion = report.catalogVersion();
        }
        return new Receipt(201, "stored", new NodeReported(report.node(), report.environment(), null, status, stored.id,
                report.catalogVersion(), report.start()));
    }
}
