package io.kraftwerk.master.api;

import io.kraftwerk.master.auth.Callers;
import io.kraftwerk.master.git.EnvironmentState;
import io.kraftwerk.master.git.Environments;
import io.kraftwerk.master.store.CompileErrorStore;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Admin: the environments the master serves, their commits and compile errors; refresh from git now. */
@Path("/v1/environments")
@RolesAllowed(Callers.ADMIN)
public class EnvironmentResource {
    @Inject
    Environments environments;

    @Inject
    CompileErrorStore errors;

    @GET
    public Response list() {
        return Json.ok(200, Map.of("environments", describe(environments.all()), "compile_errors", recentErrors()));
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
