package io.kraftwerk.systemtests;

import io.kraftwerk.model.catalog.Provenance;
import io.kraftwerk.model.report.CatalogSource;
import io.kraftwerk.model.report.Event;
import io.kraftwerk.model.report.EventStatus;
import io.kraftwerk.model.report.Metrics;
import io.kraftwerk.model.report.Report;
import io.kraftwerk.model.report.ResourceReport;
import io.kraftwerk.model.report.ResourceStatus;
import io.kraftwerk.model.report.RunMode;
import io.kraftwerk.model.report.RunStatus;
import java.time.Instant;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;

/** Reports as agents write them, with the parts the dashboard reads. */
final class ScriptedReports {
    private ScriptedReports() {
    }

    static Report unchanged(String node, Instant start) {
        return report(node, start, RunMode.ENFORCE, RunStatus.UNCHANGED, false, false, List.of());
    }

    static Report changed(String node, Instant start) {
        return report(node, start, RunMode.ENFORCE, RunStatus.CHANGED, false, false,
                List.of(resource("package[nginx]", "package", ResourceStatus.CHANGED, false,
                        new Event("ensure", "absent", "present", EventStatus.SUCCESS, "installed", false, null))));
    }

    static Report failed(String node, Instant start) {
        return report(node, start, RunMode.ENFORCE, RunStatus.FAILED, false, false,
                List.of(resource("runit_service[hello]", "runit_service", ResourceStatus.FAILED, false,
                        new Event("state", "stopped", "running", EventStatus.FAILURE, "did not come up", false, null))));
    }

    /** The text a release that fails its health check reports, as the wsgi_release provider writes it (ReleasesIT). */
    static final String RELEASE_FAILED = "release 9d03e6a1c5b8 failed its health check; 4c1f0b9e2a71 still serving:"
            + " GET /healthz answered 500 (expected 200):\n  database unreachable (waited 60 s)";

    /** A release that failed its gate: the old one still serves. */
    static Report releaseFailed(String node, Instant start) {
        return report(node, start, RunMode.ENFORCE, RunStatus.FAILED, false, false,
                List.of(resource("wsgi_release[hello]", "wsgi_release", ResourceStatus.FAILED, false,
                        new Event("release", "4c1f0b9e2a71", "9d03e6a1c5b8", EventStatus.FAILURE, RELEASE_FAILED, false, null))));
    }

    static Report corrected(String node, Instant start) {
        return report(node, start, RunMode.ENFORCE, RunStatus.CHANGED, false, true,
                List.of(resource("file[/etc/motd]", "file", ResourceStatus.CHANGED, true,
                        new Event("content", "sha256:1111111111111111", "sha256:2222222222222222", EventStatus.SUCCESS,
                                "content changed", true, null))));
    }

    static Report noopPending(String node, Instant start) {
        return report(node, start, RunMode.NOOP, RunStatus.UNCHANGED, true, false,
                List.of(resource("package[curl]", "package", ResourceStatus.PENDING, false,
                        new Event("ensure", "absent", "present", EventStatus.NOOP, "would install", false, null))));
    }

    /** A corrective change whose values carry whatever text is given (markup, for instance). */
    static Report correctedWith(String node, Instant start, String resource, String previous, String desired) {
        return report(node, start, RunMode.ENFORCE, RunStatus.CHANGED, false, true,
                List.of(resource(resource, "file", ResourceStatus.CHANGED, true,
                        new Event("content", previous, desired, EventStatus.SUCCESS, "content changed", true, null))));
    }

    static Report auditDrift(String node, Instant start) {
        return report(node, start, RunMode.ENFORCE, RunStatus.UNCHANGED, false, false,
                List.of(resource("package[openssh-server]", "package", ResourceStatus.AUDIT, false,
                        new Event("ensure", "absent", "present", EventStatus.AUDIT, "audit: out of sync", false, null))));
    }

    private static ResourceReport resource(String id, String type, ResourceStatus status,
                                                                    boolean corrective, Event event) {
        return new ResourceReport(id, type, status,
                new Provenance("roles/base.yaml", 7, 5, "base", null), 1,
                status == ResourceStatus.CHANGED ? 1 : 0, corrective, false, event.message(), 3, List.of(event));
    }

    /** The same report, of a run on another catalog version (a commit). */
    static Report onVersion(Report r, String version) {
        return copy(r, version, r.environment());
    }

    /** The same report, from a node on another environment (a branch of the manifests). */
    static Report inEnvironment(Report r, String environment) {
        return copy(r, r.catalogVersion(), environment);
    }

    private static Report copy(Report r, String version, String environment) {
        return new Report(r.formatVersion(), r.node(), r.runId(), version, environment, r.mode(), r.start(),
                r.durationMillis(), r.status(), r.noopPending(), r.correctiveChange(), r.catalogSource(), r.catalogSourceNote(),
                r.resources(), r.metrics(), r.logs());
    }

    private static Report report(String node, Instant start, RunMode mode, RunStatus status, boolean noopPending,
                                 boolean corrective, List<ResourceReport> resources) {
        SortedMap<String, Integer> counts = new TreeMap<>();
        resources.forEach(r -> counts.merge(r.status().name().toLowerCase(), 1, Integer::sum));
        int changes = (int) resources.stream().filter(r -> r.status() == ResourceStatus.CHANGED).count();
        return new Report(Report.FORMAT_VERSION, node, UUID.randomUUID().toString(), "3f9c2e1", "production", mode,
                start, 1200, status, noopPending, corrective, CatalogSource.FRESH, "", resources,
                new Metrics(counts, resources.size(), resources.size(), changes, corrective ? 1 : 0,
                        new TreeMap<>(), 12), List.of());
    }
}
