package io.kraftwerk.master.store;

import io.kraftwerk.master.store.entity.StoredNode;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * What catalog requests tell about nodes — their latest facts, environment, roles and catalog —
 * kept in memory and written to the node table every few seconds in one transaction. A catalog
 * request (thousands a second when answered from the cache) never waits for the database.
 */
@ApplicationScoped
public class NodeSightings {
    private static final Logger LOG = Logger.getLogger(NodeSightings.class);
    /** Rows written per transaction: the rows stay locked until it commits, and reports of those nodes wait. */
    static final int CHUNK = 100;

    /** The latest of one node. */
    record Sighting(String facts, String environment, String roles, String catalogVersion, Instant at) {
        /** Writes this sighting on the node's row, unless the row already has newer facts or a newer report. */
        void applyTo(StoredNode node) {
            if (node.factsAt != null && node.factsAt.isAfter(at)) {
                return;
            }
            node.facts = facts;
            node.factsAt = at;
            node.roles = roles;
            if (node.lastReportAt == null || !node.lastReportAt.isAfter(at)) {
                // a newer report says better which environment and catalog the node is on
                node.environment = environment;
                node.catalogVersion = catalogVersion;
            }
        }
    }

    @Inject
    NodeRows rows;

    private final Map<String, Sighting> pending = new ConcurrentHashMap<>();

    public void saw(String certname, String factsJson, String environment, List<String> roles, String catalogVersion) {
        if (environment.length() > StoredNode.ENVIRONMENT_LENGTH || catalogVersion.length() > StoredNode.CATALOG_VERSION_LENGTH) {
            return; // cannot be stored; the node's reports are refused with the reason
        }
        pending.put(certname, new Sighting(factsJson, environment, roleList(roles), catalogVersion, Instant.now()));
    }

    /** ",web,db," — as many roles as the column holds, in the site's order. */
    static String roleList(List<String> roles) {
        StringBuilder list = new StringBuilder(",");
        for (String role : roles) {
            if (list.length() + role.length() + 1 > StoredNode.ROLES_LENGTH) {
                break;
            }
            list.append(role).append(',');
        }
        return list.toString();
    }

    /**
     * Writes the node's pending sighting on its row now, in the caller's transaction: a report
     * that follows the catalog request within seconds finds the node's facts and roles already
     * there. The sighting stays pending, for the next batch writes it whatever the caller's
     * transaction becomes.
     */
    void applyPending(String certname, StoredNode node) {
        Sighting s = pending.get(certname);
        if (s != null) {
            s.applyTo(node);
        }
    }

    /**
     * Writes the pending sightings, a hundred rows per transaction, their rows locked together
     * ({@link NodeRows#lockAll}: in the order every writer of several rows takes them). A sighting leaves the queue only
     * once written, and only if no newer one came meanwhile; what the database refused is tried
     * again with the next flush.
     */
    @Scheduled(every = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void flush() {
        List<Map.Entry<String, Sighting>> all = new ArrayList<>(new TreeMap<>(pending).entrySet());
        for (int from = 0; from < all.size(); from += CHUNK) {
            Map<String, Sighting> chunk = new TreeMap<>();
            all.subList(from, Math.min(all.size(), from + CHUNK)).forEach(e -> chunk.put(e.getKey(), e.getValue()));
            try {
                chunk.keySet().forEach(rows::ensure);
                write(chunk);
            } catch (RuntimeException e) {
                LOG.warnf(e, "could not write what %d catalog requests told about their nodes; retrying in 5 s", chunk.size());
                continue;
            }
            chunk.forEach(pending::remove);
        }
    }

    @Transactional
    void write(Map<String, Sighting> chunk) {
        Map<String, StoredNode> locked = rows.lockAll(chunk.keySet());
        chunk.forEach((certname, s) -> s.applyTo(locked.get(certname)));
    }

    void stop(@Observes ShutdownEvent event) {
        flush();
    }
}
