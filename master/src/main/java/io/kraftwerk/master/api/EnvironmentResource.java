package io.kraftwerk.master.api;

import io.kraftwerk.master.auth.Callers;
import io.kraftwerk.master.diff.DiffReport;
import io.kraftwerk.master.git.EnvironmentState;
import io.kraftwerk.master.git.Environments;
import io.kraftwerk.master.serve.CommitDiffService;
import io.kraftwerk.master.serve.RolloutService;
import io.kraftwerk.master.store.CompileErrorStore;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.PatternSyntaxException;

/** Admin: the environments the master serves, their commits and compile errors; refresh from git now. */
@Path("/v1/environments")
@RolesAllowed(Callers.ADMIN)
public class EnvironmentResource {
    @Inject
    Environments environments;

    @Inject
    CompileErrorStore errors;

    @Inject
    CommitDiffService diffs;

    @Inject
    RolloutService rollouts;

    @GET
    public Response list() {
        return Json.ok(200, Map.of("environments", describe(environments.all()), "compile_errors", recentErrors()));
    }

    /**
     * What a commit would change on the environment's nodes (their latest facts, the fleet as it is):
     * {@code from} defaults to the commit most of them run, {@code to} to the branch's head.
     * {@code format=text} gives what {@code kw-master diff} prints; the outcome is also in the header
     * {@code Kraftwerk-Diff} (unchanged, changed or failed).
     */
    @GET
    @Path("{name}/diff")
    public Response diff(@PathParam("name") String name, @QueryParam("from") String from, @QueryParam("to") String to,
                         @QueryParam("nodes") String nodes, @QueryParam("format") String format) {
        if (format != null && !format.equals("text") && !format.equals("json")) {
            return Json.error(400, "format: '" + format + "' is not text or json");
        }
        if (nodes != null && (nodes.length() > 253 || nodes.isBlank())) {
            return Json.error(400, "nodes: a glob of at most 253 characters, such as 'web*.example.net'");
        }
        DiffReport report;
        try {
            report = diffs.diff(name, from, to, nodes);
        } catch (CommitDiffService.Unanswerable e) {
            return Json.error(e.status(), e.getMessage());
        } catch (PatternSyntaxException e) {
            return Json.error(400, "nodes: '" + nodes + "' is not a glob: " + e.getDescription());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Json.error(503, "the master is shutting down");
        }
        String outcome = report.failed() ? "failed" : report.changes() ? "changed" : "unchanged";
        if ("text".equals(format)) {
            return Response.ok(report.text(), MediaType.TEXT_PLAIN_TYPE.withCharset("UTF-8")).header("Kraftwerk-Diff", outcome).build();
        }
        return Response.ok(report.json(), MediaType.APPLICATION_JSON_TYPE).header("Kraftwerk-Diff", outcome).build();
    }

    /** The environment's rollout: where it stands, its canaries and why it halted. */
    @GET
    @Path("{name}/rollout")
    public Response rollout(@PathParam("name") String name) {
        if (environments.get(name).isEmpty()) {
            return Json.error(404, "no environment '" + name + "': the manifests repository has no such branch");
        }
        return rollouts.status(name).map(r -> Json.ok(200, RolloutView.of(r)))
                .orElseGet(() -> Json.ok(200, Map.of("environment", name, "state", "none",
                        "note", "no rollout: the branch's site.yaml declares none, or no commit came since it did")));
    }

    /** Every node takes the candidate now. */
    @POST
    @Path("{name}/rollout/promote")
    public Response promote(@PathParam("name") String name) {
        return decide(name, true);
    }

    /** No node takes the candidate; canaries return to the stable commit. */
    @POST
    @Path("{name}/rollout/abort")
    public Response abort(@PathParam("name") String name) {
        return decide(name, false);
    }

    private Response decide(String name, boolean promote) {
        try {
            return Json.ok(200, RolloutView.of(rollouts.decide(name, promote, "the admin (API)")));
        } catch (IllegalStateException e) {
            return Json.error(409, e.getMessage());
        }
    }

    @POST
    @Path("refresh")
    public Response refresh() {
        try {
            return Json.ok(200, Map.of("environments", describe(environments.refresh())));
        } catch (Exception e) {
            return Json.error(502, "cannot read the manifests repository: " + e.getMessage());
        }
    }

    private static Map<String, Object> describe(Map<String, EnvironmentState> states) {
        Map<String, Object> out = new TreeMap<>();
        states.forEach((name, s) -> {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("commit", s.commit());
            e.put("loaded_at", s.loadedAt().toString());
            e.put("errors", s.site().problems().stream().map(Object::toString).toList());
            out.put(name, e);
        });
        return out;
    }

    private List<Map<String, Object>> recentErrors() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (CompileErrorStore.Entry e : errors.latest(null, 50)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("environment", e.environment());
            m.put("commit", e.commit());
            m.put("node", e.node());
            m.put("errors", e.errors());
            m.put("at", e.at().toString());
            out.add(m);
        }
        return out;
    }
}
