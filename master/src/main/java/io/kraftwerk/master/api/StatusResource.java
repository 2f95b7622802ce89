package io.kraftwerk.master.api;

import io.kraftwerk.master.auth.Callers;
import io.kraftwerk.master.auth.RouteTable;
import io.kraftwerk.master.git.Environments;
import io.kraftwerk.master.serve.CaService;
import io.kraftwerk.master.serve.CatalogService;
import io.kraftwerk.master.settings.MasterConfig;
import io.kraftwerk.master.store.Retention;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Admin: {@code GET /v1/admin/status}, what a monitoring check or an operator wants at a glance:
 * requests in flight, catalogs cached, each environment's commit, and when the CA needs attention.
 */
@Path("/v1/admin")
@RolesAllowed(Callers.ADMIN)
public class StatusResource {
    @Inject
    CatalogService catalogs;

    @Inject
    Environments environments;

    @Inject
    CaService ca;

    @Inject
    Retention retention;

    @Inject
    MasterConfig config;

    /** Applies the report retention now (it also runs hourly). */
    @POST
    @Path("purge")
    public Response purge() {
        int removed = retention.purge(Instant.now().minus(config.reportRetention()));
        return Json.ok(200, Map.of("reports_removed", removed, "retention_days", config.reportRetention().toDays()));
    }

    @Inject
    RouteTable routes;

    /** Every route the master serves and who may call it: what the authorization tests probe. */
    @GET
    @Path("routes")
    public Response routes() {
        return Json.ok(200, Map.of("routes", routes.rows()));
    }

    @GET
    @Path("status")
    public Response status() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("inflight", Inflight.count());
        body.put("cached_catalogs", catalogs.cachedCatalogs());
        body.put("cached_catalog_bytes", catalogs.cachedCatalogBytes());
        Map<String, String> commits = new TreeMap<>();
        environments.all().forEach((name, state) -> commits.put(name, state.commit()));
        body.put("environments", commits);
        body.put("ca", Map.of("not_after", ca.ca().certificate().getNotAfter().toInstant().toString(),
                "attention", ca.ca().attentionDate().toString()));
        return Json.ok(200, body);
    }
}
