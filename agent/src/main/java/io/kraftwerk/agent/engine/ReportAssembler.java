package io.kraftwerk.agent.engine;

import io.kraftwerk.model.catalog.Catalog;
import io.kraftwerk.model.catalog.CatalogResource;
import io.kraftwerk.model.report.Event;
import io.kraftwerk.model.report.EventStatus;
import io.kraftwerk.model.report.LogLine;
import io.kraftwerk.model.report.Metrics;
import io.kraftwerk.model.report.Report;
import io.kraftwerk.model.report.ResourceReport;
import io.kraftwerk.model.report.ResourceStatus;
import io.kraftwerk.model.report.RunMode;
import io.kraftwerk.model.report.RunStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/** Builds the report of a run from its plans and results. */
final class ReportAssembler {
    private ReportAssembler() {
    }

    /** A resource's report entry: counts from its plan, status, message and events from its result. */
    static ResourceReport resource(ResourceResult result, boolean suspect) {
        CatalogResource cr = result.plan().resource();
        int changes = 0;
        for (Event e : result.events()) {
            if (e.status() == EventStatus.SUCCESS && !e.property().equals("refresh")) {
                changes++;
            }
        }
        return new ResourceReport(cr.id(), cr.resource().type().wireName(), result.status(), cr.provenance(),
                result.plan().changes().size(), changes, result.corrective(), suspect, result.message(), result.millis(),
                result.events());
    }

    static Report report(Catalog catalog, RunOptions options, Instant start, long millis, List<ResourceReport> resources,
                         Map<String, Long> millisByType, List<LogLine> logs) {
        TreeMap<String, Integer> byStatus = new TreeMap<>();
        for (ResourceStatus s : ResourceStatus.values()) {
            byStatus.put(wireName(s), 0);
        }
        int outOfSync = 0;
        int changes = 0;
        int corrective = 0;
        for (ResourceReport r : resources) {
            byStatus.merge(wireName(r.status()), 1, Integer::sum);
            outOfSync += r.outOfSyncCount();
            changes += r.changeCount();
            corrective += (int) r.events().stream().filter(e -> e.corrective() && e.status() == EventStatus.SUCCESS).count();
        }
        boolean failed = resources.stream().anyMatch(r -> r.status() == ResourceStatus.FAILED);
        boolean pending = resources.stream().anyMatch(r -> r.status() == ResourceStatus.PENDING);
        boolean changed = resources.stream().anyMatch(r -> r.status() == ResourceStatus.CHANGED);
        RunStatus status = failed ? RunStatus.FAILED : changed || pending ? RunStatus.CHANGED : RunStatus.UNCHANGED;
        boolean correctiveChange = resources.stream().flatMap(r -> r.events().stream())
                .anyMatch(e -> e.corrective() && e.status() != EventStatus.AUDIT);
        Metrics metrics = new Metrics(byStatus, resources.size(), outOfSync, changes, corrective,
                new TreeMap<>(millisByType), millis);
        return new Report(Report.FORMAT_VERSION, catalog.node(), UUID.randomUUID().toString(), catalog.version(),
                catalog.environment(), options.noop() ? RunMode.NOOP : RunMode.ENFORCE, start, millis, status,
                options.noop() && pending, correctiveChange, options.catalogSource(),
                options.catalogSourceNote() == null ? "" : options.catalogSourceNote(), resources, metrics, logs);
    }

    /** Exit status: 0 nothing to do, 2 changes made (noop: pending), 4 failures, 6 both. */
    static int exitCode(Report report) {
        boolean failures = report.resources().stream()
                .anyMatch(r -> r.status() == ResourceStatus.FAILED || r.status() == ResourceStatus.SKIPPED);
        boolean changes = report.resources().stream()
                .anyMatch(r -> r.status() == ResourceStatus.CHANGED || r.status() == ResourceStatus.PENDING);
        return (changes ? 2 : 0) + (failures ? 4 : 0);
    }

    static String wireName(ResourceStatus s) {
        return s.name().toLowerCase();
    }
}
