package io.kraftwerk.master.store;

import io.kraftwerk.master.settings.MasterConfig;
import io.kraftwerk.master.util.Gzip;
import io.kraftwerk.model.json.DocumentFormatException;
import io.kraftwerk.model.json.ModelJson;
import io.kraftwerk.model.report.Report;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.Semaphore;

/**
 * Takes agents' reports: each is checked completely by the request's own thread, then stored with
 * its events and the node's summary, whole or not at all, by the {@link ReportWriter}, which
 * answers only once it is durable. A report sent twice (an agent retrying its queue) is stored once.
 */
@ApplicationScoped
public class ReportInbox {
    @Inject
    NodeRows nodes;

    @Inject
    ReportWriter writer;

    @Inject
    MasterConfig config;

    Clock clock = Clock.systemUTC();

    /**
     * What became of a report.
     *
     * @param run  the run it reports as stored (for a report sent again, the stored one), or null when refused
     * @param node the node's row after storing it, when the node has facts (the fleet takes it without reading it back), or null
     */
    public record Receipt(int status, String message, NodeReported run, NodeRoster.Row node) {
        public Receipt(int status, String message) {
            this(status, message, null, null);
        }
    }

    /**
     * Reports are unpacked, read and checked a few at a time (two per core): a burst of agents waits
     * holding only the bytes they sent, not hundreds of unpacked and parsed reports.
     */
    private final Semaphore slots = new Semaphore(2 * Runtime.getRuntime().availableProcessors(), true);

    /** The earliest start a report may have: before it, a clock is wrong (and PostgreSQL keeps no earlier time than 4713 BC). */
    private static final Instant EARLIEST_START = Instant.parse("2000-01-01T00:00:00Z");

    /**
     * @param body the report as sent: JSON, or gzip-compressed JSON (kept as it is)
     * @param gzip whether the body is gzip-compressed
     */
    public Receipt accept(String certname, byte[] body, boolean gzip) {
        if (!gzip && body.length > config.maxReportBytes()) {
            // 400, not 413: like any invalid report it is final (the agent sets it aside), not a transient limit
            return new Receipt(400, "the report is " + body.length + " bytes; at most " + config.maxReportBytes() + " are accepted");
        }
        try {
            CheckedReport checked;
            slots.acquire();
            try {
                byte[] json = body;
                if (gzip) {
                    try {
                        json = Gzip.unpack(body, config.maxReportBytes());
                    } catch (Gzip.TooLarge e) {
                        return new Receipt(400, "the report " + e.getMessage() + "; at most " + config.maxReportBytes() + " are accepted");
                    } catch (UncheckedIOException e) {
                        String why = e.getCause().getMessage();
                        return new Receipt(400, "the report is not valid gzip: " + (why != null ? why : "it ends too early"));
                    }
                }
                Report report;
                try {
                    report = ModelJson.readReport(json, "report");
                } catch (DocumentFormatException e) {
                    return new Receipt(400, "the report is not valid: " + String.join("; ", e.problems()));
                }
                if (!report.node().equals(certname)) {
                    return new Receipt(403, "a node may send only its own reports: this report is for " + report.node());
                }
                Instant latest = clock.instant().plus(config.reportClockSkew());
                if (report.start().isAfter(latest) || report.start().isBefore(EARLIEST_START)) {
                    // stored, it would stand as the node's latest report until the clock caught up with it
                    return new Receipt(400, "the report's start (" + report.start() + ") lies "
                            + (report.start().isBefore(EARLIEST_START) ? "before " + EARLIEST_START
                            : "more than " + config.reportClockSkew().toSeconds() + " s after the master's clock (" + clock.instant() + ")")
                            + "; the node's clock is wrong: set it right (NTP) and the agent's next run reports again");
                }
                String nul = CheckedReport.firstNul(report);
                if (nul != null) {
                    // PostgreSQL refuses it in text: stored with others, it would fail their batch
                    return new Receipt(400, "the report is not valid: report: " + nul + " holds a NUL character (\\u0000), which the"
                            + " master does not store");
                }
                checked = CheckedReport.of(report, gzip ? body : Gzip.pack(json));
            } finally {
                slots.release();
            }
            nodes.ensure(certname); // before the writer's transaction: see NodeRows
            return writer.write(checked);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Receipt(503, "the master is shutting down");
        }
    }
}
