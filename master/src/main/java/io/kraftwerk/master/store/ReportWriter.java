package io.kraftwerk.master.store;

import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.control.ActivateRequestContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.hibernate.Session;
import org.jboss.logging.Logger;

/**
 * Group commit: one thread stores the reports that request threads have checked, as many as are
 * waiting (up to {@link #MAX_BATCH}) in one transaction, and answers each only once that
 * transaction is durable. A report still stands alone as readers see it (the whole batch appears
 * at once), but the database pays one commit, one flush to disk and one round trip per table for
 * the batch instead of one each per report (docs/benchmarks.md, issue 17).
 *
 * <p>When a batch fails, each half is tried again, down to the one report the database refuses,
 * so that report costs the others little and gets its own error. The embedded H2 file writes commits to disk in the
 * background about once a second; after each batch the writer asks it to write and sync now,
 * so a report is acknowledged only once it would survive the master being killed.
 */
@ApplicationScoped
public class ReportWriter {
    private static final Logger LOG = Logger.getLogger(ReportWriter.class);
    /** Reports per transaction at most: the batch's nodes stay locked until it commits. */
    static final int MAX_BATCH = 64;
    /** How long a request waits for its report to be stored, and the master's stop for the queue to be. */
    static final Duration PATIENCE = Duration.ofSeconds(60);

    @Inject
    ReportBatch batches;

    @Inject
    Database database;

    @Inject
    Session session;

    private record Pending(CheckedReport report, CompletableFuture<ReportInbox.Receipt> receipt) {
    }

    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Object lifecycle = new Object();
    private Thread thread;
    private boolean stopping;

    /**
     * Stores the report with the next batch; returns once it is durable (or refused). A writer that
     * cannot store it within {@link #PATIENCE} (the database stalled) gets 503: the agent keeps the
     * report and sends it again, and finds it stored if it was.
     */
    ReportInbox.Receipt write(CheckedReport report) throws InterruptedException {
        Pending pending = new Pending(report, new CompletableFuture<>());
        synchronized (lifecycle) {
            if (stopping) {
                return new ReportInbox.Receipt(503, "the master is shutting down; the agent sends its report again on its next run");
            }
            if (thread == null || !thread.isAlive()) {
                thread = new Thread(this::run, "report-writer");
                thread.setDaemon(true);
                thread.start();
            }
            queue.add(pending);
        }
        try {
            return pending.receipt().get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            return new ReportInbox.Receipt(503, "the master could not store the report within " + PATIENCE.toSeconds()
                    + " s (its database is slow or unreachable); the agent sends it again on its next run");
        }
    }

    private void run() {
        List<Pending> batch = new ArrayList<>();
        while (true) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                return; // only at shutdown, once the queue is empty
            }
            queue.drainTo(batch, MAX_BATCH - 1);
            int end = batch.size();
            for (int i = 0; i < batch.size(); i++) {
                if (batch.get(i).report() == null) {
                    end = i;
                    break;
                }
            }
            List<Pending> reports = batch.subList(0, end);
            try {
                store(reports);
            } catch (Throwable e) {
                // whatever went wrong, no request waits for an answer that will not come
                reports.forEach(p -> p.receipt().completeExceptionally(e));
                if (e instanceof Error error) {
                    throw error;
                }
            }
            if (end < batch.size()) {
                return; // the end marker: everything before it is stored
            }
            batch.clear();
        }
    }

    /**
     * Stores a batch, or failing that each half of it, down to the one report the database refuses
     * (which gets its error: the others are stored); answers each.
     */
    @ActivateRequestContext
    void store(List<Pending> batch) {
        if (batch.isEmpty()) {
            return;
        }
        List<ReportInbox.Receipt> receipts;
        try {
            receipts = batches.store(batch.stream().map(Pending::report).toList());
        } catch (RuntimeException e) {
            if (batch.size() > 1) {
                store(batch.subList(0, batch.size() / 2));
                store(batch.subList(batch.size() / 2, batch.size()));
            } else {
                LOG.warnf(e, "could not store the report of %s (run %s); the agent sends it again on its next run",
                        batch.get(0).report().certname(), batch.get(0).report().runId());
                batch.get(0).receipt().completeExceptionally(e);
            }
            return;
        }
        try {
            makeDurable();
        } catch (RuntimeException e) {
            // stored, but not known to be on disk: not acknowledged, so agents send them again (and find them stored)
            LOG.warnf(e, "could not make %d stored reports durable; their agents send them again", batch.size());
            batch.forEach(p -> p.receipt().completeExceptionally(e));
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).receipt().complete(receipts.get(i));
        }
    }

    /** H2 writes committed changes to its file about once a second; write and sync them now. PostgreSQL's commit is durable. */
    @Transactional
    void makeDurable() {
        if (database.embedded()) {
            session.doWork(c -> {
                try (var s = c.createStatement()) {
                    s.execute("CHECKPOINT SYNC");
                }
            });
        }
    }

    /** Stores what is queued, then ends the writer; reports arriving later are refused with 503. */
    void stop(@Observes ShutdownEvent event) {
        Thread writer;
        synchronized (lifecycle) {
            stopping = true;
            writer = thread;
            if (writer != null) {
                queue.add(new Pending(null, null));
            }
        }
        if (writer != null) {
            try {
                writer.join(PATIENCE.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
