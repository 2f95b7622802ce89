package io.kraftwerk.master.api;

import io.kraftwerk.master.auth.Callers;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.quarkus.smallrye.openapi.runtime.OpenApiConstants;
import io.quarkus.smallrye.openapi.runtime.OpenApiDocumentService;
import io.smallrye.openapi.runtime.io.Format;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * Admin: {@code /q/metrics} (Prometheus) and {@code /q/openapi} (the API document, YAML, or JSON
 * with {@code ?format=json}). Quarkus serves these on routes of its own that no annotation can
 * guard, so the master removes those ({@link io.kraftwerk.master.auth.UndeclaredRoutes}) and
 * serves the same content here, where the caller is declared like everywhere else.
 */
@Path("/q")
@RolesAllowed(Callers.ADMIN)
public class ManagementResource {
    @Inject
    PrometheusMeterRegistry prometheus;

    @Inject
    OpenApiDocumentService openapi;

    @GET
    @Path("metrics")
    @Operation(summary = "Prometheus metrics: OpenMetrics, or the text format 0.0.4 when the Accept header asks for text/plain")
    public Response metrics(@HeaderParam("Accept") String accept) {
        // as Quarkus's own endpoint chooses
        String type = accept != null && (accept.contains("text/plain") || accept.contains("text/html"))
                ? "text/plain; version=0.0.4; charset=utf-8" : "application/openmetrics-text; version=1.0.0; charset=utf-8";
        return Response.ok(prometheus.scrape(type), type).build();
    }

    @GET
    @Path("openapi")
    @Operation(summary = "This API's OpenAPI document: YAML, or JSON with ?format=json or Accept: application/json")
    public Response openapi(@QueryParam("format") String format, @HeaderParam("Accept") String accept) {
        boolean json = "json".equalsIgnoreCase(format) || format == null && accept != null && accept.contains("application/json");
        return Response.ok(openapi.getDocument(OpenApiConstants.DEFAULT_DOCUMENT_NAME, json ? Format.JSON : Format.YAML),
                json ? "application/json" : "application/yaml").build();
    }
}
