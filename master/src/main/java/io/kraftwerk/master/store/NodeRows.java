package io.kraftwerk.master.store;

import io.kraftwerk.master.store.entity.StoredNode;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.hibernate.Session;

/**
 * Nodes' rows: created when the master first hears of a node, and locked by whoever writes one.
 *
 * <p>Two writers may meet a new node at once (its first report and the batch of catalog sightings,
 * or two masters sharing one database). So a row is created on its own, before the writer's
 * transaction begins ({@link #ensure}), and an insert that loses the race is followed by reading
 * the winner's row: neither writer fails on the duplicate key, and no writer holds a connection
 * while it waits for a second one. Nodes are never deleted, so a node known to have a row is
 * remembered and costs nothing the next time.
 *
 * <p>Inside the transaction the rows are then locked ({@link #lockAll}): two reports of one node, or a
 * report and the batch of sightings, would otherwise both read a row and the later commit would put
 * back what the earlier one replaced (an older report becoming the node's latest).
 */
@ApplicationScoped
public class NodeRows {
    @Inject
    Session session;

    private final Set<String> known = ConcurrentHashMap.newKeySet();

    /** Makes sure the node has a row. Call it outside any transaction. */
    public void ensure(String certname) {
        if (known.contains(certname)) {
            return;
        }
        RuntimeException lost = null;
        if (!exists(certname)) {
            try {
                insert(certname);
            } catch (RuntimeException e) {
                lost = e; // most likely a concurrent insert of the same node; the row tells
            }
            if (!exists(certname)) {
                IllegalStateException e = new IllegalStateException("cannot create the node row of " + certname);
                if (lost != null) {
                    e.initCause(lost);
                }
                throw e;
            }
        }
        known.add(certname);
    }

    /**
     * The nodes' rows, locked in the caller's transaction by one query in the database's own order
     * of names. Whoever locks several rows (the report writer, the sightings' flush, another master)
     * locks them through here, so all take them in the same order and none waits on another in a
     * circle; {@link #ensure} made them.
     */
    public Map<String, StoredNode> lockAll(Collection<String> certnames) {
        Map<String, StoredNode> locked = new HashMap<>();
        for (StoredNode n : session.createSelectionQuery("from StoredNode n where n.certname in :c order by n.certname", StoredNode.class)
                .setParameter("c", List.copyOf(new TreeSet<>(certnames))).setLockMode(LockModeType.PESSIMISTIC_WRITE).getResultList()) {
            locked.put(n.certname, n);
        }
        for (String name : certnames) {
            if (!locked.containsKey(name)) {
                throw new IllegalStateException("the node row of " + name + " is missing: ensure() comes first");
            }
        }
        return locked;
    }

    @Transactional
    boolean exists(String certname) {
        return session.find(StoredNode.class, certname) != null;
    }

    @Transactional
    void insert(String certname) {
        StoredNode node = new StoredNode();
        node.certname = certname;
        session.persist(node);
    }
}
