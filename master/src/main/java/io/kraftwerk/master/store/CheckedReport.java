package io.kraftwerk.master.store;

import io.kraftwerk.model.report.Event;
import io.kraftwerk.model.report.Report;
import io.kraftwerk.model.report.ResourceReport;
import io.kraftwerk.model.report.ResourceStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A report checked whole, as it will be stored: its row's columns, its events, and the JSON as
 * the agent sent it, gzip-compressed. Only this waits for the writer, not the parsed report.
 */
record CheckedReport(String certname, String runId, Instant start, long durationMillis, String status, NodeStatus nodeStatus,
                     String mode, boolean noopPending, boolean corrective, String catalogVersion, String environment,
                     String catalogSource, int resources, int changes, int failures, int drifts, List<EventRow> events,
                     byte[] body) {

    /** One property of one resource that was out of sync. */
    record EventRow(String resource, String type, String property, String previous, String desired, String status,
                    boolean corrective, String message) {
    }

    static CheckedReport of(Report report, byte[] gzippedJson) {
        List<EventRow> events = new ArrayList<>();
        int failures = 0;
        int drifts = 0;
        for (ResourceReport r : report.resources()) {
            if (r.status() == ResourceStatus.FAILED || r.status() == ResourceStatus.SKIPPED) {
                failures++;
            }
            if (r.corrective() || r.status() == ResourceStatus.AUDIT) {
                drifts++;
            }
            for (Event e : r.events()) {
                events.add(new EventRow(r.id(), r.type(), e.property(), e.previous(), e.desired(), lower(e.status()), e.corrective(),
                        e.message()));
            }
        }
        return new CheckedReport(report.node(), report.runId(), report.start(), report.durationMillis(), lower(report.status()),
                NodeStatus.of(report), lower(report.mode()), report.noopPending(), report.correctiveChange(), report.catalogVersion(),
                report.environment(), lower(report.catalogSource()), report.resources().size(), report.metrics().changes(), failures,
                drifts, List.copyOf(events), gzippedJson);
    }

    /** Where the report's first NUL character is, among the values stored as text (snake_case path), or null. */
    static String firstNul(Report report) {
        String[][] top = {{"node", report.node()}, {"run_id", report.runId()}, {"catalog_version", report.catalogVersion()},
            {"environment", report.environment()}};
        for (String[] field : top) {
            if (hasNul(field[1])) {
                return field[0];
            }
        }
        for (int i = 0; i < report.resources().size(); i++) {
            ResourceReport r = report.resources().get(i);
            if (hasNul(r.id()) || hasNul(r.type())) {
                return "resources[" + i + "]." + (hasNul(r.id()) ? "id" : "type");
            }
            for (int j = 0; j < r.events().size(); j++) {
                Event e = r.events().get(j);
                String[][] fields = {{"property", e.property()}, {"previous", e.previous()}, {"desired", e.desired()},
                    {"message", e.message()}};
                for (String[] field : fields) {
                    if (hasNul(field[1])) {
                        return "resources[" + i + "].events[" + j + "]." + field[0];
                    }
                }
            }
        }
        return null;
    }

    private static boolean hasNul(String value) {
        return value != null && value.indexOf('\0') >= 0;
    }

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
