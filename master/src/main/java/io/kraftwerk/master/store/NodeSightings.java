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

    /** The latest of one node. */
    record Sighting(String facts, String environment, List<String> roles, String catalogVersion, Instant at) {
        /** Writes this sighting on the node's row, unless the row already has a newer one. */
        void applyTo(StoredNode node) {
            if (node.factsAt != null && node.factsAt.isAfter(at)) {
                return;
            }
            node.facts = facts;
            node.factsAt = at;
            node.environment = environment;
            node.roles = "," + String.join(",", roles) + ",";
            node.catalogVersion = catalogVersion;
        }
    }

    @Inject
    NodeRows rows;

    private final Map<String, Sighting> pending = new ConcurrentHashMap<>();

    public void saw(String certname, String factsJson, String environment, List<String> roles, String catalogVersion) {
        pending.put(certname, new Sighting(factsJson, environment, roles, catalogVersion, Instant.now()));
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

    @Scheduled(every = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void flush() {
        // In name order: two masters flushing the same nodes lock their rows in the same order.
        Map<String, Sighting> batch = new TreeMap<>();
        for (String certname : new ArrayList<>(pending.keySet())) {
            Sighting s = pending.remove(certname);
            if (s != null) {
                batch.put(certname, s);
            }
        }
        if (batch.isEmpty()) {
            return;
        }
        try {
            write(batch);
        } catch (RuntimeException e) {
            // Kept for the next batch, unless a newer sighting of the node came in meanwhile.
            batch.forEach(pending::putIfAbsent);
            LOG.warnf(e, "could not write what %d catalog requests told about their nodes; retrying in 5 s", batch.size());
        }
    }

    @Transactional
    void write(Map<String, Sighting> batch) {
        batch.forEach((certname, s) -> s.applyTo(rows.find(certname)));
    }

    void stop(@Observes ShutdownEvent event) {
        flush();
    }
}
