package io.kraftwerk.master.api;

import io.kraftwerk.master.auth.Callers;
import io.kraftwerk.master.auth.NodeItself;
import io.kraftwerk.master.auth.TrustedIdentity;
import io.kraftwerk.master.serve.CatalogService;
import io.kraftwerk.master.serve.MasterMetrics;
import io.kraftwerk.master.settings.MasterConfig;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * {@code POST /v1/catalogs/CERTNAME[?environment=ENV]} with the node's facts: its catalog, with an
 * ETag; {@code If-None-Match} with the current ETag gets 304. A node may fetch only its own.
 */
@Path("/v1/catalogs")
public class CatalogResource {
    public static final String VERSION_HEADER = "X-Kraftwerk-Catalog-Version";

    @Inject
    CatalogService catalogs;

    @Inject
    SecurityIdentity identity;

    @Inject
    MasterConfig config;

    @Inject
    MasterMetrics metrics;

    @POST
    @NodeItself
    @RolesAllowed(Callers.NODE)
    @Throttled
    @Path("{certname}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response catalog(@PathParam("certname") String certname, @QueryParam("environment") String environment,
                            @HeaderParam("If-None-Match") String ifNoneMatch, byte[] facts) {
        if (facts == null || facts.length == 0) {
            return Json.error(400, "the request needs the node's facts as a JSON object (kw-agent facts)");
        }
        if (facts.length > config.maxFactsBytes()) {
            return Json.error(413, "the facts are " + facts.length + " bytes; at most " + config.maxFactsBytes() + " are accepted");
        }
        CatalogService.Outcome outcome = catalogs.catalog(certname, facts,
                environment == null || environment.isBlank() ? null : environment, TrustedIdentity.facts(identity), ifNoneMatch);
        if (outcome instanceof CatalogService.Outcome.Refused refused) {
            metrics.catalogRequest(refused.status() == 422 ? "compile_error" : "refused");
            return Json.error(refused.status(), refused.reason(), refused.errors());
        }
        CatalogService.Outcome.Served served = (CatalogService.Outcome.Served) outcome;
        if (served.etag().equals(ifNoneMatch)) {
            metrics.catalogRequest("not_modified");
            return Response.notModified().header("ETag", served.etag()).header(VERSION_HEADER, served.version()).build();
        }
        metrics.catalogRequest(served.cached() ? "cached" : "compiled");
        return Response.ok(served.json(), MediaType.APPLICATION_JSON).header("ETag", served.etag())
                .header(VERSION_HEADER, served.version()).build();
    }
}
