package io.kraftwerk.master.api;

import io.kraftwerk.master.auth.Callers;
import io.kraftwerk.master.git.Environments;
import io.kraftwerk.master.settings.MasterConfig;
import io.kraftwerk.master.store.CompileErrorStore;
import io.kraftwerk.master.store.Fleet;
import io.kraftwerk.master.store.NodeStatus;
import io.kraftwerk.model.json.ModelJson;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Admin, read only: the fleet as the dashboard shows it, as JSON. */
@Path("/v1/fleet")
@RolesAllowed(Callers.ADMIN)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "fleet", description = "Nodes, reports, events, drift and compile errors (admin token required)")
public class FleetResource {
    private static final Set<String> SORTS = Set.of("certname", "status", "environment", "role", "last_report");

    @Inject
    Fleet fleet;

    @Inject
    CompileErrorStore compileErrors;

    @Inject
    Environments environments;

    @Inject
    MasterConfig config;

    @GET
    @Path("summary")
    @Operation(summary = "Nodes by status: unresponsive, failed, drifted, pending, changed, unchanged")
    public Response summary() {
        Map<NodeStatus, Long> counts = fleet.counts();
        Map<String, Object> body = new LinkedHashMap<>();
        Map<String, Long> byStatus = new LinkedHashMap<>();
        counts.forEach((s, n) -> byStatus.put(s.wire(), n));
        body.put("nodes", byStatus);
        body.put("total", counts.values().stream().mapToLong(Long::longValue).sum());
        body.put("unresponsive_after_seconds", config.runInterval().multipliedBy(2).toSeconds());
        return Json.ok(200, body);
    }

    @GET
    @Path("nodes")
    @Operation(summary = "The node table: filter by status, environment, role, name or last report age (age=under-1h, over-7d); sort; page")
    public Response nodes(@QueryParam("status") String status, @QueryParam("environment") String environment,
                          @QueryParam("role") String role, @QueryParam("search") String search, @QueryParam("age") String age,
                          @QueryParam("sort") @DefaultValue("certname") String sort, @QueryParam("order") @DefaultValue("asc") String order,
                          @QueryParam("page") @DefaultValue("0") int page, @QueryParam("size") @DefaultValue("50") int size) {
        Fleet.NodeQuery query;
        try {
            query = query(status, environment, role, search, age, sort, order, page, size);
        } catch (IllegalArgumentException e) {
            return Json.error(400, e.getMessage());
        }
        return Json.ok(200, Map.of("page", fleet.nodes(query)));
    }

    /** Checks and builds a node query; the message names the parameter at fault. */
    public static Fleet.NodeQuery query(String status, String environment, String role, String search, String age, String sort,
                                        String order, int page, int size) {
        NodeStatus s = null;
        if (status != null && !status.isBlank()) {
            try {
                s = NodeStatus.parse(status);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("status: '" + status + "' is not one of unresponsive, failed, drifted, pending,"
                        + " changed, unchanged");
            }
        }
        Fleet.ReportAge reportAge = age == null || age.isBlank() ? null : Fleet.ReportAge.parse(age);
        if (!SORTS.contains(sort)) {
            throw new IllegalArgumentException("sort: '" + sort + "' is not one of " + String.join(", ", new TreeSet<>(SORTS)));
        }
        if (!order.equals("asc") && !order.equals("desc")) {
            throw new IllegalArgumentException("order: '" + order + "' is not asc or desc");
        }
        if (page < 0 || size < 1 || size > Fleet.MAX_PAGE) {
            throw new IllegalArgumentException("page must be 0 or more and size between 1 and " + Fleet.MAX_PAGE);
        }
        return new Fleet.NodeQuery(s, blankToNull(environment), blankToNull(role), blankToNull(search), reportAge, sort,
                order.equals("desc"), page, size);
    }

    @GET
    @Path("nodes/{certname}")
    @Operation(summary = "A node: facts, status, latest reports, the events of its latest report, 30 days of drift")
    public Response node(@PathParam("certname") String certname) throws IOException {
        var detail = fleet.node(certname);
        if (detail.isEmpty()) {
            return Json.error(404, "the master has no node " + certname);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("node", detail.get().node());
        body.put("facts", detail.get().facts() == null ? null : ModelJson.mapper().readTree(detail.get().facts()));
        body.put("reports", fleet.reports(certname, 20));
        body.put("last_events", detail.get().lastReportId() == null ? List.of() : fleet.events(detail.get().lastReportId()));
        body.put("drift_history", fleet.driftHistory(certname, 30));
        return Json.ok(200, body);
    }

    @GET
    @Path("nodes/{certname}/reports")
    @Operation(summary = "A node's reports, newest first")
    public Response reports(@PathParam("certname") String certname, @QueryParam("limit") @DefaultValue("50") int limit) {
        return Json.ok(200, Map.of("reports", fleet.reports(certname, limit)));
    }

    @GET
    @Path("reports/{id}")
    @Operation(summary = "One report: its summary, its events and the report as the agent sent it")
    public Response report(@PathParam("id") long id) throws IOException {
        var report = fleet.report(id);
        if (report.isEmpty()) {
            return Json.error(404, "no report " + id + " (reports older than the retention are removed)");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("summary", report.get().summary());
        body.put("events", fleet.events(id));
        body.put("report", ModelJson.mapper().readTree(report.get().body()));
        return Json.ok(200, body);
    }

    @GET
    @Path("resources")
    @Operation(summary = "Which nodes drifted on a resource, e.g. nginx_vhost[blog.example.net]")
    public Response resource(@QueryParam("id") String id, @QueryParam("days") @DefaultValue("30") int days) {
        if (id == null || id.isBlank()) {
            return Json.error(400, "id: the resource, such as nginx_vhost[blog.example.net], is required");
        }
        return Json.ok(200, Map.of("resource", id, "nodes", fleet.driftOn(id, Math.max(1, Math.min(days, 366)))));
    }

    @GET
    @Path("environments/{name}")
    @Operation(summary = "An environment: its current commit, the commits its nodes are on, its compile errors")
    public Response environment(@PathParam("name") String name) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("environment", name);
        body.put("commit", environments.get(name).map(e -> e.commit()).orElse(null));
        body.put("node_commits", fleet.commits(name, 50));
        body.put("compile_errors", compileErrors.latest(name, 100));
        return Json.ok(200, body);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
