package io.kraftwerk.master.store;

import io.kraftwerk.master.store.entity.StoredNode;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import org.hibernate.Session;

/**
 * A node's row, created when the master first hears of the node. Two writers may meet a new node
 * at once (its first report and the batch of catalog sightings, or two masters sharing one
 * database): the row is therefore inserted in a short transaction of its own, and an insert that
 * loses the race is simply followed by reading the winner's row, so neither writer's transaction
 * fails on the duplicate key and loses what it carried.
 *
 * <p>The row comes locked for the caller's transaction: two reports of one node, or a report and
 * the batch of sightings, would otherwise both read it and the later commit would put back what
 * the earlier one replaced (an older report becoming the node's latest).
 */
@ApplicationScoped
public class NodeRows {
    @Inject
    Session session;

    /** The node's row, locked in the caller's transaction, created first if the master never heard of it. */
    public StoredNode find(String certname) {
        StoredNode node = session.find(StoredNode.class, certname, LockModeType.PESSIMISTIC_WRITE);
        if (node != null) {
            return node;
        }
        RuntimeException lost = null;
        try {
            insert(certname);
        } catch (RuntimeException e) {
            lost = e; // most likely a concurrent insert of the same node; the row tells
        }
        node = session.find(StoredNode.class, certname, LockModeType.PESSIMISTIC_WRITE);
        if (node == null) {
            IllegalStateException e = new IllegalStateException("cannot create the node row of " + certname);
            if (lost != null) {
                e.initCause(lost);
            }
            throw e;
        }
        return node;
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    void insert(String certname) {
        StoredNode node = new StoredNode();
        node.certname = certname;
        session.persist(node);
    }
}
