package io.kraftwerk.master.store;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hibernate.Session;

/**
 * The node table as the fleet snapshot reads it: who is there, in which environment with which roles,
 * when each last reported and how — without the facts, which are fetched only for the nodes whose
 * facts changed since they were last read.
 */
@ApplicationScoped
public class NodeRoster {
    private static final int CHUNK = 500;
    private static final String COLUMNS = "n.certname, n.environment, n.roles, n.factsAt, n.lastReportAt, n.lastStatus, n.catalogVersion,"
            + " n.lastReportId";

    @Inject
    Session session;

    /**
     * One node's row, facts aside.
     *
     * @param roles ",web,db," as stored
     */
    public record Row(String certname, String environment, String roles, Instant factsAt, Instant lastReportAt, String lastStatus,
                      String catalogVersion, Long lastReportId) {
    }

    /** Every node the master has facts of (a node known only from a report without a catalog request has none). */
    @Transactional
    public List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        for (Object[] r : session.createSelectionQuery("select " + COLUMNS
                + " from StoredNode n where n.factsAt is not null and n.environment is not null", Object[].class).getResultList()) {
            rows.add(row(r));
        }
        return rows;
    }

    private static Row row(Object[] r) {
        return new Row((String) r[0], (String) r[1], (String) r[2], (Instant) r[3], (Instant) r[4], (String) r[5], (String) r[6],
                (Long) r[7]);
    }

    /** Nodes whose latest report is from {@code from} up to (not including) {@code until}: fallen silent in that window. */
    @Transactional
    public List<Row> silent(Instant from, Instant until) {
        List<Row> rows = new ArrayList<>();
        for (Object[] r : session.createSelectionQuery("select " + COLUMNS + " from StoredNode n where n.lastReportAt >= :f"
                + " and n.lastReportAt < :u", Object[].class).setParameter("f", from).setParameter("u", until).getResultList()) {
            rows.add(row(r));
        }
        return rows;
    }

    /** The stored facts (JSON) of these nodes, a few hundred per query. */
    @Transactional
    public Map<String, String> facts(Collection<String> certnames) {
        Map<String, String> facts = new HashMap<>();
        List<String> all = List.copyOf(certnames);
        for (int from = 0; from < all.size(); from += CHUNK) {
            for (Object[] r : session.createSelectionQuery("select n.certname, n.facts from StoredNode n where n.certname in :c",
                    Object[].class).setParameter("c", all.subList(from, Math.min(all.size(), from + CHUNK))).getResultList()) {
                facts.put((String) r[0], (String) r[1]);
            }
        }
        return facts;
    }
}
