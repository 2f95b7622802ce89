package io.kraftwerk.master.store;

import io.kraftwerk.master.store.entity.StoredDelivery;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;
import org.hibernate.Session;

/**
 * The webhook delivery log and queue: each alert once per webhook (the row's unique key), claimed by
 * one master at a time for a lease, then delivered, or tried again later, or given up.
 */
@ApplicationScoped
public class Deliveries {
    @Inject
    Session session;

    /** A delivery as the log shows it. */
    public record Row(long id, String webhook, String alertId, String alertType, String subject, String summary, String status,
                      int attempts, Instant createdAt, Instant nextAttemptAt, Instant lastAttemptAt, Instant deliveredAt,
                      Integer lastResponse, String lastError) {
    }

    /** A delivery to send now, leased to this master until {@code leasedUntil}. */
    public record Due(long id, String webhook, String alertType, String payload, int attempts, Instant leasedUntil) {
    }

    /** Queues the alert for the webhook unless it is already queued or sent (another master saw it too); true when queued. */
    public boolean enqueue(String webhook, String alertId, String alertType, String subject, String summary, String payload,
                           Instant now) {
        if (exists(webhook, alertId)) {
            return false;
        }
        try {
            insert(webhook, alertId, alertType, subject, summary, payload, now);
            return true;
        } catch (RuntimeException e) {
            if (exists(webhook, alertId)) {
                return false; // inserted by another master meanwhile
            }
            throw e;
        }
    }

    // REQUIRES_NEW: alerts are queued from observers of a committed transaction, still bound to the thread
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    boolean exists(String webhook, String alertId) {
        return session.createSelectionQuery("select count(d) from StoredDelivery d where d.webhook = :w and d.alertId = :a", Long.class)
                .setParameter("w", webhook).setParameter("a", alertId).getSingleResult() > 0;
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    void insert(String webhook, String alertId, String alertType, String subject, String summary, String payload, Instant now) {
        StoredDelivery d = new StoredDelivery();
        d.webhook = webhook;
        d.alertId = alertId;
        d.alertType = alertType;
        d.subject = subject.length() > StoredDelivery.SUBJECT_LENGTH ? subject.substring(0, StoredDelivery.SUBJECT_LENGTH) : subject;
        d.summary = summary;
        d.payload = payload;
        d.status = "pending";
        d.attempts = 0;
        d.createdAt = now;
        d.nextAttemptAt = now;
        session.persist(d);
    }

    /**
     * Takes up to {@code limit} deliveries due to the named webhooks (those this master knows: another master's
     * webhook is left to it), leased to this master until {@code now + lease}.
     */
    @Transactional
    public List<Due> claim(Instant now, Duration lease, int limit, Collection<String> webhooks) {
        List<StoredDelivery> due = session.createSelectionQuery("from StoredDelivery d where d.status = 'pending'"
                        + " and d.nextAttemptAt <= :t and d.webhook in :w order by d.nextAttemptAt", StoredDelivery.class)
                .setParameter("t", now).setParameter("w", webhooks).setMaxResults(limit)
                .setLockMode(LockModeType.PESSIMISTIC_WRITE).getResultList();
        // the column keeps microseconds: a lease compared later must be the value it will read back
        Instant until = now.plus(lease).truncatedTo(ChronoUnit.MICROS);
        due.forEach(d -> d.nextAttemptAt = until);
        return due.stream().map(d -> new Due(d.id, d.webhook, d.alertType, d.payload, d.attempts, until)).toList();
    }

    /**
     * Records an attempt: delivered, or failed with the response or error and when to try again (null: never).
     * Only while the lease is still this master's: a delivery whose lease ran out belongs to whoever took it since.
     */
    @Transactional
    public void attempted(Due due, Instant at, Integer response, String error, boolean delivered, Instant next) {
        StoredDelivery d = session.find(StoredDelivery.class, due.id(), LockModeType.PESSIMISTIC_WRITE);
        if (d == null || !d.status.equals("pending") || !d.nextAttemptAt.equals(due.leasedUntil())) {
            return;
        }
        d.attempts++;
        d.lastAttemptAt = at;
        d.lastResponse = response;
        d.lastError = error;
        if (delivered) {
            d.status = "delivered";
            d.deliveredAt = at;
        } else if (next == null) {
            d.status = "failed";
        } else {
            d.nextAttemptAt = next;
        }
    }

    /** The newest deliveries first. */
    @Transactional
    public List<Row> recent(int limit) {
        return session.createSelectionQuery("from StoredDelivery d order by d.createdAt desc, d.id desc", StoredDelivery.class)
                .setMaxResults(limit).getResultList().stream()
                .map(d -> new Row(d.id, d.webhook, d.alertId, d.alertType, d.subject, d.summary, d.status, d.attempts, d.createdAt,
                        d.nextAttemptAt, d.lastAttemptAt, d.deliveredAt, d.lastResponse, d.lastError)).toList();
    }
}
