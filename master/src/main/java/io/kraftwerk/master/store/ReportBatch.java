package io.kraftwerk.master.store;

import io.kraftwerk.master.settings.MasterConfig;
import io.kraftwerk.master.store.entity.StoredNode;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hibernate.Session;

/**
 * Stores several checked reports in one transaction: each whole, all of them visible to readers
 * at once or none. The nodes' rows are locked first ({@link NodeRows#lockAll}: in the order every
 * writer of several rows takes them), so a node's reports are stored one after the other whichever
 * master takes them, and a run sent twice is found already stored by the second.
 * Reports and their events go to the database as JDBC batches: one round trip per table, not one
 * per row.
 */
@ApplicationScoped
class ReportBatch {
    private static final String INSERT_REPORT = "insert into report (certname, run_id, start_at, received_at, duration_ms, status,"
            + " node_status, mode, noop_pending, corrective, catalog_version, environment, catalog_source, resources, changes,"
            + " failures, drifts, body) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_EVENT = "insert into event (report_id, certname, start_at, resource, resource_type, property,"
            + " previous, desired, status, corrective, message) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    @Inject
    Session session;

    @Inject
    NodeRows rows;

    @Inject
    NodeSightings sightings;

    @Inject
    MasterConfig config;

    @Inject
    Announcements announcements;

    Clock clock = Clock.systemUTC();

    /** The receipts, in the order of the reports. Every node's row exists ({@link NodeRows#ensure}). */
    @Transactional
    List<ReportInbox.Receipt> store(List<CheckedReport> batch) {
        Map<String, StoredNode> nodes = rows.lockAll(batch.stream().map(CheckedReport::certname).toList());
        Map<String, ReportInbox.Receipt> stored = alreadyStored(batch);
        List<CheckedReport> fresh = new ArrayList<>();
        for (CheckedReport r : batch) {
            String key = key(r.certname(), r.runId());
            if (!stored.containsKey(key)) {
                stored.put(key, null); // a second copy in this batch is the first one's duplicate
                fresh.add(r);
            }
        }
        Instant received = clock.instant();
        long[] ids = session.doReturningWork(c -> insert(c, fresh, received));
        for (int i = 0; i < fresh.size(); i++) {
            CheckedReport r = fresh.get(i);
            stored.put(key(r.certname(), r.runId()), record(r, ids[i], nodes.get(r.certname())));
        }
        List<ReportInbox.Receipt> receipts = new ArrayList<>(batch.size());
        Map<String, Boolean> answered = new HashMap<>();
        for (CheckedReport r : batch) {
            String key = key(r.certname(), r.runId());
            ReportInbox.Receipt receipt = stored.get(key);
            boolean first = answered.put(key, Boolean.TRUE) == null;
            receipts.add(first ? receipt : new ReportInbox.Receipt(200, "already stored", receipt.run(), receipt.node()));
        }
        return receipts;
    }

    /**
     * Receipts of the batch's runs already in the database (an agent sending its queue again), found
     * by run id (the unique index's first column: V5__report_run_by_run_id.sql).
     */
    private Map<String, ReportInbox.Receipt> alreadyStored(List<CheckedReport> batch) {
        Map<String, ReportInbox.Receipt> found = new HashMap<>();
        List<Object[]> rows = session.createSelectionQuery("select r.certname, r.runId, r.environment, r.nodeStatus, r.id,"
                        + " r.catalogVersion, r.startAt from StoredReport r where r.runId in :runs", Object[].class)
                .setParameter("runs", batch.stream().map(CheckedReport::runId).distinct().toList()).getResultList();
        for (Object[] row : rows) {
            found.put(key((String) row[0], (String) row[1]), new ReportInbox.Receipt(200, "already stored",
                    new NodeReported((String) row[0], (String) row[2], null, NodeStatus.parse((String) row[3]), (Long) row[4],
                            (String) row[5], (Instant) row[6]), null));
        }
        // a run id of one node may be another's: only the pairs the batch holds count
        found.keySet().retainAll(batch.stream().map(r -> key(r.certname(), r.runId())).toList());
        return found;
    }

    /** The report's effect on its node's row, in the order the batch holds them; the receipt says what it became. */
    private ReportInbox.Receipt record(CheckedReport r, long id, StoredNode node) {
        sightings.applyPending(r.certname(), node);
        if (node.lastReportAt == null || !r.start().isBefore(node.lastReportAt)) {
            NodeStatus previous = node.lastReportAt == null ? null
                    : node.lastReportAt.isBefore(clock.instant().minus(config.runInterval().multipliedBy(2))) ? NodeStatus.UNRESPONSIVE
                    : node.lastStatus == null ? null : NodeStatus.parse(node.lastStatus);
            announcements.reported(new NodeReported(r.certname(), r.environment(), previous, r.nodeStatus(), id, r.catalogVersion(),
                    r.start()));
            node.lastReportId = id;
            node.lastReportAt = r.start();
            node.lastStatus = r.nodeStatus().wire();
            node.environment = r.environment();
            node.catalogVersion = r.catalogVersion();
        }
        NodeRoster.Row row = node.factsAt == null || node.environment == null ? null
                : new NodeRoster.Row(node.certname, node.environment, node.roles, node.factsAt, node.lastReportAt, node.lastStatus,
                node.catalogVersion, node.lastReportId);
        return new ReportInbox.Receipt(201, "stored", new NodeReported(r.certname(), r.environment(), null, r.nodeStatus(), id,
                r.catalogVersion(), r.start()), row);
    }

    /** Inserts the reports and their events; the reports' ids, in order. */
    private static long[] insert(Connection c, List<CheckedReport> reports, Instant received) throws SQLException {
        long[] ids = new long[reports.size()];
        if (reports.isEmpty()) {
            return ids;
        }
        try (PreparedStatement s = c.prepareStatement(INSERT_REPORT, new String[] {"id"})) {
            for (CheckedReport r : reports) {
                int i = 0;
                s.setString(++i, r.certname());
                s.setString(++i, r.runId());
                s.setObject(++i, r.start().atOffset(ZoneOffset.UTC));
                s.setObject(++i, received.atOffset(ZoneOffset.UTC));
                s.setLong(++i, r.durationMillis());
                s.setString(++i, r.status());
                s.setString(++i, r.nodeStatus().wire());
                s.setString(++i, r.mode());
                s.setBoolean(++i, r.noopPending());
                s.setBoolean(++i, r.corrective());
                s.setString(++i, r.catalogVersion());
                s.setString(++i, r.environment());
                s.setString(++i, r.catalogSource());
                s.setInt(++i, r.resources());
                s.setInt(++i, r.changes());
                s.setInt(++i, r.failures());
                s.setInt(++i, r.drifts());
                s.setBytes(++i, r.body());
                s.addBatch();
            }
            s.executeBatch();
            try (ResultSet keys = s.getGeneratedKeys()) {
                for (int n = 0; n < ids.length; n++) {
                    if (!keys.next()) {
                        throw new SQLException("the database returned " + n + " ids for " + ids.length + " reports");
                    }
                    ids[n] = keys.getLong(1);
                }
            }
        }
        boolean anyEvent = reports.stream().anyMatch(r -> !r.events().isEmpty());
        if (anyEvent) {
            try (PreparedStatement s = c.prepareStatement(INSERT_EVENT, Statement.NO_GENERATED_KEYS)) {
                for (int n = 0; n < reports.size(); n++) {
                    CheckedReport r = reports.get(n);
                    for (CheckedReport.EventRow e : r.events()) {
                        int i = 0;
                        s.setLong(++i, ids[n]);
                        s.setString(++i, r.certname());
                        s.setObject(++i, r.start().atOffset(ZoneOffset.UTC));
                        s.setString(++i, e.resource());
                        s.setString(++i, e.type());
                        s.setString(++i, e.property());
                        s.setString(++i, e.previous());
                        s.setString(++i, e.desired());
                        s.setString(++i, e.status());
                        s.setBoolean(++i, e.corrective());
                        s.setString(++i, e.message());
                        s.addBatch();
                    }
                }
                s.executeBatch();
            }
        }
        return ids;
    }

    private static String key(String certname, String runId) {
        return certname + '\n' + runId;
    }
}
