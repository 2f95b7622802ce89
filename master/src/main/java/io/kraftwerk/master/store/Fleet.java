package io.kraftwerk.master.store;

import io.kraftwerk.master.settings.MasterConfig;
import io.kraftwerk.master.store.entity.StoredEvent;
import io.kraftwerk.master.store.entity.StoredNode;
import io.kraftwerk.master.store.entity.StoredReport;
import io.kraftwerk.master.util.Gzip;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hibernate.Session;
import org.hibernate.query.SelectionQuery;

/**
 * The read side of the fleet: counts by status, the node table (filtered, sorted, paged in the
 * database), a node's reports and events, who drifts on a resource, an environment's commits.
 * A node's status is its latest report's, unless it has been silent for twice the run interval.
 */
@ApplicationScoped
public class Fleet {
    public static final int MAX_PAGE = 200;

    @Inject
    Session session;

    @Inject
    MasterConfig config;

    Clock clock = Clock.systemUTC();

    /** A row of the node table. */
    public record NodeRow(String certname, NodeStatus status, String environment, List<String> roles, String catalogVersion,
                          Instant lastReportAt, Instant factsAt) {
    }

    /** A page of nodes and how many match in all. */
    public record Page<T>(List<T> items, long total, int page, int size) {
    }

    /** What the node table is asked for. */
    public record NodeQuery(NodeStatus status, String environment, String role, String search, ReportAge age, String sort,
                            boolean descending, int page, int size) {
        public NodeQuery {
            size = Math.max(1, Math.min(MAX_PAGE, size));
            page = Math.max(0, page);
            sort = sort == null ? "certname" : sort;
        }
    }

    /**
     * How long ago a node last reported: within {@code age} ({@code over} false), or longer ago than
     * that ({@code over} true, which includes nodes that never reported).
     */
    public record ReportAge(boolean over, Duration age) {
        private static final Pattern WIRE = Pattern.compile("(under|over)-([1-9][0-9]{0,5})([mhd])");

        /** Reads the wire form; the message of the exception names the parameter and the form. */
        public static ReportAge parse(String wire) {
            Matcher m = WIRE.matcher(wire);
            if (!m.matches()) {
                throw new IllegalArgumentException("age: '" + wire + "' is not under-N or over-N with N in minutes, hours or days"
                        + " (e.g. under-1h, over-7d)");
            }
            long amount = Long.parseLong(m.group(2));
            Duration age = switch (m.group(3)) {
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
            return new ReportAge(m.group(1).equals("over"), age);
        }

        /** The wire form, e.g. {@code under-1h}, {@code over-7d}. */
        public String wire() {
            long s = age.toSeconds();
            String amount = s % 86_400 == 0 ? s / 86_400 + "d" : s % 3_600 == 0 ? s / 3_600 + "h" : s / 60 + "m";
            return (over ? "over-" : "under-") + amount;
        }
    }

    /** The summary of one report. */
    public record ReportRow(long id, String certname, String runId, Instant start, long durationMillis, NodeStatus status,
                            String mode, String catalogVersion, String environment, String catalogSource, int resources,
                            int changes, int failures, int drifts) {
    }

    /** One event as stored. */
    public record EventRow(long reportId, String certname, Instant start, String resource, String type, String property,
                           String previous, String desired, String status, boolean corrective, String message) {
    }

    /** A day of a node's drift history. */
    public record DriftDay(LocalDate day, int runs, int driftedRuns, int drifts) {
    }

    /** A node drifting on one resource. */
    public record ResourceDrift(String certname, long events, Instant last, String lastProperty, String lastPrevious,
                                String lastDesired) {
    }

    /** A catalog version nodes of an environment are on: how many, and their oldest and newest report. */
    public record CommitSeen(String version, long nodes, Instant first, Instant last) {
    }

    private Instant silentBefore() {
        return clock.instant().minus(config.runInterval().multipliedBy(2));
    }

    @Transactional
    public Map<NodeStatus, Long> counts() {
        Map<NodeStatus, Long> counts = new EnumMap<>(NodeStatus.class);
        for (NodeStatus s : NodeStatus.values()) {
            counts.put(s, 0L);
        }
        Instant cutoff = silentBefore();
        counts.put(NodeStatus.UNRESPONSIVE, session.createSelectionQuery(
                "select count(n) from StoredNode n where n.lastReportAt is null or n.lastReportAt < :t", Long.class)
                .setParameter("t", cutoff).getSingleResult());
        for (Object[] row : session.createSelectionQuery("select n.lastStatus, count(n) from StoredNode n"
                + " where n.lastReportAt >= :t group by n.lastStatus", Object[].class).setParameter("t", cutoff).getResultList()) {
            counts.put(NodeStatus.parse((String) row[0]), (Long) row[1]);
        }
        return counts;
    }

    @Transactional
    public Page<NodeRow> nodes(NodeQuery q) {
        StringBuilder where = new StringBuilder(" where 1 = 1");
        Map<String, Object> parameters = new LinkedHashMap<>();
        if (q.status() == NodeStatus.UNRESPONSIVE) {
            where.append(" and (n.lastReportAt is null or n.lastReportAt < :cutoff)");
            parameters.put("cutoff", silentBefore());
        } else if (q.status() != null) {
            where.append(" and n.lastStatus = :status and n.lastReportAt >= :cutoff");
            parameters.put("status", q.status().wire());
            parameters.put("cutoff", silentBefore());
        }
        if (q.environment() != null) {
            where.append(" and n.environment = :environment");
            parameters.put("environment", q.environment());
        }
        if (q.role() != null) {
            where.append(" and n.roles like :role");
            parameters.put("role", "%," + q.role().replace("%", "").replace("_", "") + ",%");
        }
        if (q.age() != null) {
            Instant since = clock.instant().minus(q.age().age());
            where.append(q.age().over() ? " and (n.lastReportAt is null or n.lastReportAt < :since)" : " and n.lastReportAt >= :since");
            parameters.put("since", since);
        }
        if (q.search() != null) {
            where.append(" and n.certname like :search");
            parameters.put("search", "%" + q.search().replace("%", "").replace("_", "\\_") + "%");
        }
        String column = switch (q.sort()) {
            case "status" -> "n.lastStatus";
            case "environment" -> "n.environment";
            case "role" -> "n.roles";
            case "last_report" -> "n.lastReportAt";
            default -> "n.certname";
        };
        String order = " order by " + column + (q.descending() ? " desc nulls last" : " asc nulls first")
                + (column.equals("n.certname") ? "" : ", n.certname");
        SelectionQuery<Long> count = session.createSelectionQuery("select count(n) from StoredNode n" + where, Long.class);
        SelectionQuery<StoredNode> rows = session.createSelectionQuery("from StoredNode n" + where + order, StoredNode.class);
        parameters.forEach((k, v) -> {
            count.setParameter(k, v);
            rows.setParameter(k, v);
        });
        List<NodeRow> items = rows.setFirstResult(q.page() * q.size()).setMaxResults(q.size()).getResultList().stream()
                .map(this::row).toList();
        return new Page<>(items, count.getSingleResult(), q.page(), q.size());
    }

    /** A node with its latest facts, or empty when the master never heard of it. */
    @Transactional
    public Optional<NodeDetail> node(String certname) {
        StoredNode n = session.find(StoredNode.class, certname);
        if (n == null) {
            return Optional.empty();
        }
        return Optional.of(new NodeDetail(row(n), n.facts, n.lastReportId));
    }

    /** A node's row, its facts (JSON) and the id of its latest report. */
    public record NodeDetail(NodeRow node, String facts, Long lastReportId) {
    }

    @Transactional
    public List<ReportRow> reports(String certname, int limit) {
        return session.createSelectionQuery("from StoredReport r where r.certname = :n order by r.startAt desc", StoredReport.class)
                .setParameter("n", certname).setMaxResults(Math.min(limit, MAX_PAGE)).getResultList().stream()
                .map(Fleet::reportRow).toList();
    }

    /** A report's summary and its full JSON, as the agent sent it. */
    public record ReportDetail(ReportRow summary, String body) {
    }

    @Transactional
    public Optional<ReportDetail> report(long id) {
        StoredReport r = session.find(StoredReport.class, id);
        return r == null ? Optional.empty() : Optional.of(new ReportDetail(reportRow(r),
                new String(Gzip.unpack(r.body), StandardCharsets.UTF_8)));
    }

    @Transactional
    public List<EventRow> events(long reportId) {
        return session.createSelectionQuery("from StoredEvent e where e.reportId = :r order by e.id", StoredEvent.class)
                .setParameter("r", reportId).getResultList().stream().map(Fleet::eventRow).toList();
    }

    /** Per UTC day over the last {@code days} days: runs, runs that found drift, drifted resources. */
    @Transactional
    public List<DriftDay> driftHistory(String certname, int days) {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        LocalDate first = today.minusDays(days - 1L);
        Map<LocalDate, int[]> byDay = new TreeMap<>();
        for (LocalDate d = first; !d.isAfter(today); d = d.plusDays(1)) {
            byDay.put(d, new int[3]);
        }
        List<Object[]> rows = session.createSelectionQuery("select r.startAt, r.drifts from StoredReport r"
                + " where r.certname = :n and r.startAt >= :t", Object[].class)
                .setParameter("n", certname).setParameter("t", first.atStartOfDay().toInstant(ZoneOffset.UTC)).getResultList();
        for (Object[] row : rows) {
            int[] day = byDay.get(LocalDate.ofInstant((Instant) row[0], ZoneOffset.UTC));
            if (day != null) {
                int drifts = (Integer) row[1];
                day[0]++;
                day[1] += drifts > 0 ? 1 : 0;
                day[2] += drifts;
            }
        }
        List<DriftDay> out = new ArrayList<>();
        byDay.forEach((d, v) -> out.add(new DriftDay(d, v[0], v[1], v[2])));
        return out;
    }

    /** Nodes whose runs found drift on this resource (corrected or audited) within the last {@code days} days. */
    @Transactional
    public List<ResourceDrift> driftOn(String resource, int days) {
        Instant since = clock.instant().minus(Duration.ofDays(days));
        // one pass over the resource's drift events (index on resource, start), newest first per node
        Map<String, ResourceDrift> byNode = new LinkedHashMap<>();
        Map<String, Long> counts = new HashMap<>();
        for (StoredEvent e : session.createSelectionQuery("from StoredEvent e where e.resource = :r and e.startAt >= :t"
                + " and (e.corrective = true or e.status = 'audit') order by e.startAt desc, e.id desc", StoredEvent.class)
                .setParameter("r", resource).setParameter("t", since).setMaxResults(50_000).getResultList()) {
            counts.merge(e.certname, 1L, Long::sum);
            byNode.putIfAbsent(e.certname, new ResourceDrift(e.certname, 0, e.startAt, e.property, e.previous, e.desired));
        }
        return byNode.values().stream().limit(1000)
                .map(d -> new ResourceDrift(d.certname(), counts.get(d.certname()), d.last(), d.lastProperty(), d.lastPrevious(),
                        d.lastDesired())).toList();
    }

    /** The catalog versions an environment's nodes are on now, most recently reported first. */
    @Transactional
    public List<CommitSeen> commits(String environment, int limit) {
        List<CommitSeen> out = new ArrayList<>();
        for (Object[] row : session.createSelectionQuery("select n.catalogVersion, count(n), min(n.lastReportAt), max(n.lastReportAt)"
                + " from StoredNode n where n.environment = :e and n.catalogVersion is not null group by n.catalogVersion"
                + " order by max(n.lastReportAt) desc nulls last", Object[].class)
                .setParameter("e", environment).setMaxResults(limit).getResultList()) {
            out.add(new CommitSeen((String) row[0], (Long) row[1], (Instant) row[2], (Instant) row[3]));
        }
        return out;
    }

    private NodeRow row(StoredNode n) {
        NodeStatus status = n.lastReportAt == null || n.lastReportAt.isBefore(silentBefore()) ? NodeStatus.UNRESPONSIVE
                : NodeStatus.parse(n.lastStatus);
        List<String> roles = n.roles == null ? List.of()
                : Arrays.stream(n.roles.split(",")).filter(s -> !s.isEmpty()).toList();
        return new NodeRow(n.certname, status, n.environment, roles, n.catalogVersion, n.lastReportAt, n.factsAt);
    }

    private static ReportRow reportRow(StoredReport r) {
        return new ReportRow(r.id, r.certname, r.runId, r.startAt, r.durationMillis, NodeStatus.parse(r.nodeStatus), r.mode,
                r.catalogVersion, r.environment, r.catalogSource, r.resources, r.changes, r.failures, r.drifts);
    }

    private static EventRow eventRow(StoredEvent e) {
        return new EventRow(e.reportId, e.certname, e.startAt, e.resource, e.resourceType, e.property, e.previous, e.desired,
                e.status, e.corrective, e.message);
    }
}
