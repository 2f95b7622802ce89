package io.kraftwerk.master.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import io.kraftwerk.master.api.FleetResource;
import io.kraftwerk.master.auth.AdminCredential;
import io.kraftwerk.master.auth.Callers;
import io.kraftwerk.master.auth.DashboardSessions;
import io.kraftwerk.master.diff.CatalogDiff;
import io.kraftwerk.master.diff.DiffReport;
import io.kraftwerk.master.git.Environments;
import io.kraftwerk.master.notify.Notifier;
import io.kraftwerk.master.serve.CommitDiffService;
import io.kraftwerk.master.serve.DumpService;
import io.kraftwerk.master.serve.RolloutService;
import io.kraftwerk.master.store.Rollout;
import io.kraftwerk.master.store.CompileErrorStore;
import io.kraftwerk.master.store.Deliveries;
import io.kraftwerk.master.store.Fleet;
import io.kraftwerk.master.store.NodeStatus;
import io.kraftwerk.model.json.ModelJson;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * The fleet dashboard, server-rendered HTML (no script): the overview with counts and the node
 * table, a node, a report, a resource, an environment. Signing in takes the admin token.
 */
@Path("/dashboard")
@RolesAllowed({Callers.ADMIN, Callers.DASHBOARD})
@Produces(MediaType.TEXT_HTML)
public class DashboardResource {
    private static final int DEFAULT_PAGE_SIZE = 50;

    /** The node table's last-report filter: what the select offers. */
    private static final List<Map<String, String>> AGE_CHOICES = List.of(
            Views.map("value", "under-1h", "label", "within the last hour"),
            Views.map("value", "under-1d", "label", "within the last day"),
            Views.map("value", "over-1h", "label", "over an hour ago, or never"),
            Views.map("value", "over-1d", "label", "over a day ago, or never"),
            Views.map("value", "over-7d", "label", "over a week ago, or never"));

    @Inject
    Fleet fleet;

    @Inject
    CompileErrorStore compileErrors;

    @Inject
    Environments environments;

    @Inject
    CommitDiffService diffs;

    @Inject
    RolloutService rollouts;

    @Inject
    Notifier notifier;

    @Inject
    Deliveries deliveries;

    @Inject
    DumpService dumps;

    @Inject
    DashboardTemplates templates;

    @Inject
    DashboardSessions sessions;

    @Inject
    AdminCredential admin;

    Clock clock = Clock.systemUTC();

    @GET
    @PermitAll
    @Path("login")
    @Operation(hidden = true)
    public String loginPage() {
        return templates.render("login", Map.of("error", ""));
    }

    @POST
    @PermitAll
    @Path("login")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(hidden = true)
    public Response login(@FormParam("token") String token) {
        if (token == null || !admin.matches(token)) {
            return Response.status(401).type(MediaType.TEXT_HTML).entity(templates.render("login",
                    Map.of("error", "That is not the admin token. It is in DATA/admin.token on the master."))).build();
        }
        NewCookie cookie = new NewCookie.Builder(DashboardSessions.COOKIE).value(sessions.open()).path("/dashboard")
                .secure(true).httpOnly(true).sameSite(NewCookie.SameSite.STRICT)
                .maxAge((int) DashboardSessions.LIFETIME.toSeconds()).build();
        return Response.seeOther(URI.create("/dashboard/")).cookie(cookie).build();
    }

    @POST
    @Path("logout")
    @Operation(hidden = true)
    public Response logout(@CookieParam(DashboardSessions.COOKIE) String session) {
        sessions.close(session);
        return Response.seeOther(URI.create("/dashboard/login")).cookie(new NewCookie.Builder(DashboardSessions.COOKIE).value("")
                .path("/dashboard").secure(true).httpOnly(true).maxAge(0).build()).build();
    }

    @GET
    @PermitAll
    @Path("style.css")
    @Produces("text/css")
    @Operation(hidden = true)
    public Response style() throws IOException {
        try (InputStream in = DashboardResource.class.getClassLoader().getResourceAsStream("dashboard/style.css")) {
            return Response.ok(in.readAllBytes(), "text/css").header("Cache-Control", "max-age=3600").build();
        }
    }

    @GET
    @Operation(hidden = true)
    public Response overview(@QueryParam("status") String status, @QueryParam("environment") String environment,
                             @QueryParam("role") String role, @QueryParam("search") String search, @QueryParam("age") String age,
                             @QueryParam("sort") @DefaultValue("certname") String sort, @QueryParam("order") @DefaultValue("asc") String order,
                             @QueryParam("page") @DefaultValue("0") int page, @QueryParam("size") @DefaultValue("" + DEFAULT_PAGE_SIZE) int size) {
        Fleet.NodeQuery query;
        try {
            query = FleetResource.query(status, environment, role, search, age, sort, order, page, size);
        } catch (IllegalArgumentException e) {
            return Response.status(400).type(MediaType.TEXT_HTML).entity(templates.render("error",
                    Map.of("title", "Bad request", "message", e.getMessage()))).build();
        }
        Instant now = clock.instant();
        Map<NodeStatus, Long> counts = fleet.counts();
        List<Map<String, Object>> cards = new ArrayList<>();
        for (NodeStatus s : NodeStatus.values()) {
            cards.add(Map.of("status", s.wire(), "count", counts.get(s), "link", "/dashboard/" + Views.query(Views.map("status", s.wire())),
                    "active", s == query.status()));
        }
        Fleet.Page<Fleet.NodeRow> result = fleet.nodes(query);
        Map<String, String> filters = Views.map("status", query.status() == null ? "" : query.status().wire(),
                "environment", nz(query.environment()), "role", nz(query.role()), "search", nz(query.search()),
                "age", query.age() == null ? "" : query.age().wire());
        Map<String, String> sortLinks = new LinkedHashMap<>();
        for (String column : List.of("certname", "status", "environment", "role", "last_report")) {
            Map<String, String> p = new LinkedHashMap<>(filters);
            p.put("sort", column);
            p.put("order", column.equals(query.sort()) && !query.descending() ? "desc" : "asc");
            p.put("size", query.size() == DEFAULT_PAGE_SIZE ? "" : String.valueOf(query.size())); // back to page 1, same size
            sortLinks.put(column, "/dashboard/" + Views.query(p));
        }
        long pages = Math.max(1, (result.total() + query.size() - 1) / query.size());
        Map<String, String> keep = new LinkedHashMap<>(filters);
        keep.put("sort", query.sort());
        keep.put("order", query.descending() ? "desc" : "asc");
        keep.put("size", String.valueOf(query.size()));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("title", "Fleet");
        data.put("cards", cards);
        data.put("total", counts.values().stream().mapToLong(Long::longValue).sum());
        data.put("nodes", result.items().stream().map(n -> Views.NodeView.of(n, now)).toList());
        data.put("matching", result.total());
        data.put("filters", filters);
        List<Map<String, String>> ages = new ArrayList<>(AGE_CHOICES);
        String chosenAge = filters.get("age");
        if (!chosenAge.isEmpty() && ages.stream().noneMatch(choice -> choice.get("value").equals(chosenAge))) {
            ages.add(Views.map("value", chosenAge, "label", chosenAge)); // typed in the URL: kept, so the form does not drop it
        }
        data.put("ages", ages);
        data.put("statuses", Arrays.stream(NodeStatus.values()).map(NodeStatus::wire).toList());
        data.put("sortLinks", sortLinks);
        data.put("page", query.page() + 1);
        data.put("pages", pages);
        data.put("previous", query.page() > 0 ? "/dashboard/" + Views.query(with(keep, "page", String.valueOf(query.page() - 1))) : "");
        data.put("next", query.page() + 1 < pages ? "/dashboard/" + Views.query(with(keep, "page", String.valueOf(query.page() + 1))) : "");
        data.put("environments", new ArrayList<>(new TreeSet<>(environments.all().keySet())));
        return Response.ok(templates.render("overview", data)).build();
    }

    @GET
    @Path("nodes/{certname}")
    @Operation(hidden = true)
    public Response node(@PathParam("certname") String certname) throws IOException {
        var detail = fleet.node(certname);
        if (detail.isEmpty()) {
            return notFound("The master has no node " + certname + ".");
        }
        Instant now = clock.instant();
        Map<String, String> facts = new TreeMap<>();
        if (detail.get().facts() != null) {
            flatten("", ModelJson.mapper().readTree(detail.get().facts()), facts);
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("title", certname);
        data.put("node", Views.NodeView.of(detail.get().node(), now));
        data.put("facts", facts);
        data.put("reports", fleet.reports(certname, 20).stream().map(r -> Views.ReportView.of(r, now)).toList());
        data.put("events", detail.get().lastReportId() == null ? List.of()
                : fleet.events(detail.get().lastReportId()).stream().map(Views.EventView::of).toList());
        List<Fleet.DriftDay> history = fleet.driftHistory(certname, 30);
        data.put("bars", Views.chart(history, 600, 80));
        data.put("firstDay", history.get(0).day().toString());
        data.put("lastDay", history.get(history.size() - 1).day().toString());
        data.put("environmentLink", "/dashboard/environments/" + Views.encode(nz(detail.get().node().environment())));
        // what each dump holds and how big it is: never a byte of it (it is as sensitive as the app's data)
        data.put("dumps", dumps.ofNode(certname).stream().map(d -> Views.DumpView.of(d, now)).toList());
        return Response.ok(templates.render("node", data)).build();
    }

    @GET
    @Path("reports/{id}")
    @Operation(hidden = true)
    public Response report(@PathParam("id") long id) {
        var report = fleet.report(id);
        if (report.isEmpty()) {
            return notFound("No report " + id + " (reports older than the retention are removed).");
        }
        Map<String, Object> data = new LinkedHashMap<>();
        Fleet.ReportRow r = report.get().summary();
        data.put("title", "Report " + id + " of " + r.certname());
        data.put("certname", r.certname());
        data.put("nodeLink", "/dashboard/nodes/" + Views.encode(r.certname()));
        data.put("report", Views.ReportView.of(r, clock.instant()));
        data.put("events", fleet.events(id).stream().map(Views.EventView::of).toList());
        return Response.ok(templates.render("report", data)).build();
    }

    @GET
    @Path("resources")
    @Operation(hidden = true)
    public Response resource(@QueryParam("id") String id) {
        if (id == null || id.isBlank()) {
            return Response.status(400).type(MediaType.TEXT_HTML).entity(templates.render("error",
                    Map.of("title", "Bad request", "message", "Which resource? Add ?id=nginx_vhost[blog.example.net], for example."))).build();
        }
        Instant now = clock.instant();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Fleet.ResourceDrift d : fleet.driftOn(id, 30)) {
            rows.add(Map.of("certname", d.certname(), "link", "/dashboard/nodes/" + Views.encode(d.certname()), "events", d.events(),
                    "last", d.last().toString(), "age", Views.age(d.last(), now), "property", d.lastProperty(),
                    "previous", nz(d.lastPrevious()), "desired", nz(d.lastDesired())));
        }
        return Response.ok(templates.render("resource", Map.of("title", id, "resource", id, "nodes", rows))).build();
    }

    @GET
    @Path("environments/{name}")
    @Operation(hidden = true)
    public Response environment(@PathParam("name") String name, @CookieParam(DashboardSessions.COOKIE) String session) {
        Instant now = clock.instant();
        List<Map<String, Object>> commits = new ArrayList<>();
        for (Fleet.CommitSeen c : fleet.commits(name, 50)) {
            commits.add(Map.of("version", c.version(), "nodes", c.nodes(), "first", c.first() == null ? "" : c.first().toString(),
                    "last", c.last() == null ? "" : c.last().toString(), "age", Views.age(c.last(), now)));
        }
        List<Map<String, Object>> errors = new ArrayList<>();
        for (CompileErrorStore.Entry e : compileErrors.latest(name, 100)) {
            errors.add(Map.of("commit", Views.shortVersion(e.commit()), "node", e.node() == null ? "(all nodes)" : e.node(),
                    "errors", e.errors(), "at", e.at().toString(), "age", Views.age(e.at(), now)));
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("title", "Environment " + name);
        data.put("name", name);
        data.put("commit", environments.get(name).map(s -> s.commit()).orElse("(no such branch now)"));
        data.put("commits", commits);
        data.put("errors", errors);
        data.put("change", change(name));
        data.put("rollout", rollout(name, now));
        data.put("csrf", sessions.csrf(session));
        return Response.ok(templates.render("environment", data)).build();
    }

    /** The environment's rollout: state, canaries with their latest runs, and the decision buttons while it is in progress. */
    private Map<String, Object> rollout(String environment, Instant now) {
        Map<String, Object> view = new LinkedHashMap<>();
        Optional<Rollout> found = rollouts.status(environment);
        view.put("present", found.isPresent());
        view.put("inProgress", found.map(Rollout::inProgress).orElse(false));
        if (found.isEmpty()) {
            return view;
        }
        Rollout r = found.get();
        view.put("state", r.state().wire());
        view.put("stable", Views.shortVersion(r.stable()));
        view.put("candidate", Views.shortVersion(r.candidate()));
        view.put("policy", r.policy());
        view.put("reason", r.reason() == null ? "" : r.reason());
        view.put("started", Views.age(r.startedAt(), now));
        view.put("deadline", r.deadline().toString());
        view.put("failedReport", r.failedReportId() == null ? "" : "/dashboard/reports/" + r.failedReportId());
        List<Map<String, Object>> canaries = new ArrayList<>();
        for (String canary : r.canaries()) {
            Optional<Fleet.NodeDetail> detail = fleet.node(canary);
            canaries.add(Map.of("node", canary, "link", "/dashboard/nodes/" + Views.encode(canary),
                    "passed", r.passed().contains(canary),
                    "status", detail.map(d -> d.node().status().wire()).orElse("unknown"),
                    "version", detail.map(d -> Views.shortVersion(Objects.toString(d.node().catalogVersion(), ""))).orElse("")));
        }
        view.put("canaries", canaries);
        return view;
    }

    @GET
    @Path("alerts")
    @Operation(hidden = true)
    public Response alerts() {
        Instant now = clock.instant();
        List<Map<String, Object>> hooks = new ArrayList<>();
        notifier.webhooks().forEach(w -> hooks.add(Map.of("name", w.name(), "url", w.url().toString(),
                "events", String.join(", ", w.events().stream().map(e -> e.wire()).toList()))));
        List<Map<String, Object>> log = new ArrayList<>();
        for (Deliveries.Row d : deliveries.recent(200)) {
            log.add(Map.of("created", d.createdAt().toString(), "age", Views.age(d.createdAt(), now), "webhook", d.webhook(),
                    "type", d.alertType(), "summary", d.summary(), "status", d.status(), "attempts", d.attempts(),
                    "next", d.status().equals("pending") && d.attempts() > 0 ? d.nextAttemptAt().toString() : "",
                    "answer", d.lastResponse() != null ? "HTTP " + d.lastResponse() : Objects.toString(d.lastError(), "")));
        }
        return Response.ok(templates.render("alerts", Map.of("title", "Alerts", "problem", notifier.problem(), "webhooks", hooks,
                "deliveries", log))).build();
    }

    @POST
    @Path("environments/{name}/rollout/{action}")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(hidden = true)
    public Response decide(@PathParam("name") String name, @PathParam("action") String action, @FormParam("csrf") String csrf,
                           @CookieParam(DashboardSessions.COOKIE) String session) {
        if (!sessions.csrfMatches(session, csrf)) {
            // 400, not 403: the caller is the admin (authorization passed); the form is not one this session's page made
            return Response.status(400).type(MediaType.TEXT_HTML).entity(templates.render("error", Map.of("title", "Refused",
                    "message", "This form did not come from this dashboard session (its CSRF token is missing or wrong): reload the"
                            + " environment page and use its buttons."))).build();
        }
        if (!action.equals("promote") && !action.equals("abort")) {
            return notFound("no such rollout action: " + action);
        }
        try {
            rollouts.decide(name, action.equals("promote"), "the admin (dashboard)");
        } catch (IllegalStateException e) {
            return Response.status(409).type(MediaType.TEXT_HTML).entity(templates.render("error", Map.of("title", "Nothing to decide",
                    "message", e.getMessage()))).build();
        }
        return Response.seeOther(URI.create("/dashboard/environments/" + Views.encode(name))).build();
    }

    /**
     * What the branch's head would change on the environment's nodes, against the commit most of them
     * run: a summary line, and per changed or failing node its resources and properties.
     */
    private Map<String, Object> change(String environment) {
        Map<String, Object> change = new LinkedHashMap<>();
        // every key the template reads, whichever branch fills them (Qute is strict about missing keys)
        change.put("note", "");
        change.put("summary", "");
        change.put("from", "");
        change.put("to", "");
        change.put("nodes", List.of());
        DiffReport report;
        try {
            report = diffs.diff(environment, null, null, null, Duration.ofMinutes(1));
        } catch (CommitDiffService.Unanswerable e) {
            change.put("note", e.getMessage());
            return change;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            change.put("note", "the master is shutting down");
            return change;
        }
        change.put("from", Views.shortVersion(report.from()));
        change.put("to", Views.shortVersion(report.to()));
        List<Map<String, Object>> nodes = new ArrayList<>();
        int resources = 0;
        int failed = 0;
        for (DiffReport.NodeResult r : report.results()) {
            List<String> lines = new ArrayList<>();
            if (!r.errorsTo().isEmpty()) {
                failed++;
                lines.addAll(r.errorsTo());
            } else if (r.diff() != null && !r.diff().isEmpty()) {
                resources += r.diff().resources();
                r.diff().added().forEach(id -> lines.add("+ " + id));
                r.diff().removed().forEach(id -> lines.add("- " + id));
                for (CatalogDiff.ResourceChange c : r.diff().changed()) {
                    lines.add("~ " + c.id() + ": " + String.join(", ", c.properties().stream().map(CatalogDiff.PropertyChange::property)
                            .toList()));
                }
            } else if (r.errorsFrom().isEmpty() || r.diff() != null) {
                continue;
            } else {
                lines.add("compiles at the new commit; it did not at the old one");
            }
            nodes.add(Map.of("node", r.node(), "link", "/dashboard/nodes/" + Views.encode(r.node()), "failed", !r.errorsTo().isEmpty(),
                    "lines", lines));
        }
        long changed = nodes.stream().filter(n -> !(Boolean) n.get("failed")).count();
        change.put("summary", report.from().equals(report.to()) ? "The nodes run the branch's head: nothing waits."
                : "This commit changes " + resources + (resources == 1 ? " resource" : " resources") + " on " + changed
                        + (changed == 1 ? " node" : " nodes") + " of " + report.results().size()
                        + (failed == 0 ? "" : "; " + failed + (failed == 1 ? " node does" : " nodes do") + " not compile at it") + ".");
        change.put("nodes", nodes);
        return change;
    }

    private Response notFound(String message) {
        return Response.status(404).type(MediaType.TEXT_HTML).entity(templates.render("error", Map.of("title", "Not found",
                "message", message))).build();
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out));
        } else if (node.isArray()) {
            List<String> items = new ArrayList<>();
            node.forEach(i -> items.add(i.isValueNode() ? i.asText() : i.toString()));
            out.put(prefix, String.join(", ", items));
        } else {
            out.put(prefix, node.isNull() ? "" : node.asText());
        }
    }

    private static Map<String, String> with(Map<String, String> base, String key, String value) {
        Map<String, String> m = new LinkedHashMap<>(base);
        m.put(key, value);
        return m;
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
