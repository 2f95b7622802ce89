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
import java.util.concurrent.ConcurrentHashMap;
import org.hibernate.Session;

/**
 * What catalog requests tell about nodes — their latest facts, environment, roles and catalog —
 * kept in memory and written to the node table every few seconds in one transaction. A catalog
 * request (thousands a second when answered from the cache) never waits for the database.
 */
@ApplicationScoped
public class NodeSightings {
    /** The latest of one node. */
    record Sighting(String facts, String environment, List<String> roles, String catalogVersion, Instant at) {
    }

    @Inject
    Session session;

    private final Map<String, Sighting> pending = new ConcurrentHashMap<>();

    public void saw(String certname, String factsJson, String environment, List<String> roles, String catalogVersion) {
        pending.put(certname, new Sighting(factsJson, environment, roles, catalogVersion, Instant.now()));
    }

    @Scheduled(every = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    @Transactional
    void flush() {
        List<String> names = new ArrayList<>(pending.keySet());
        for (String certname : names) {
            Sighting s = pending.remove(certname);
            if (s == null) {
                continue;
            }
            StoredNode node = session.find(StoredNode.class, certname);
            if (node == null) {
                node = new StoredNode();
                node.certname = certname;
                session.persist(node);
            }
            node.facts = s.facts();
            node.factsAt = s.at();
            node.environment = s.environment();
            node.roles = "," + String.join(",", s.roles()) + ",";
            node.catalogVersion = s.catalogVersion();
        }
    }

    void stop(@Observes ShutdownEvent event) {
        flush();
    }
}
