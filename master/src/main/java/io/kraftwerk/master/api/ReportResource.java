package io.kraftwerk.master.api;

import io.kraftwerk.master.auth.Callers;
import io.kraftwerk.master.auth.NodeItself;
import io.kraftwerk.master.serve.FleetService;
import io.kraftwerk.master.serve.MasterMetrics;
import io.kraftwerk.master.serve.RolloutService;
import io.kraftwerk.master.settings.MasterConfig;
import io.kraftwerk.master.store.ReportInbox;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;

/** {@code POST /v1/reports/CERTNAME}: a run's report, stored whole or refused whole with the reason. */
@Path("/v1/reports")
public class ReportResource {
    @Inject
    ReportInbox inbox;

    @Inject
    MasterConfig config;

    @Inject
    MasterMetrics metrics;

    @Inject
    FleetService fleet;

    @Inject
    RolloutService rollouts;

    @POST
    @NodeItself
    @RolesAllowed(Callers.NODE)
    @Throttled
    @Path("{certname}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response report(@PathParam("certname") String certname, @HeaderParam("Content-Encoding") String encoding, byte[] body) {
        ReportInbox.Receipt receipt = receive(certname, encoding, body);
        if (receipt.status() == 201 && receipt.node() != null) {
            // a node that failed, or reports again, stands so in the next catalog that asks
            fleet.reported(receipt.node());
        }
        if (receipt.run() != null) {
            // a canary's run moves its rollout, counted from the report itself (sent again too: an earlier count may have failed)
            rollouts.reported(receipt.run());
        }
        metrics.report(switch (receipt.status()) {
            case 201 -> "stored";
            case 200 -> "duplicate";
            case 400, 415 -> "invalid";
            default -> "refused";
        });
        return receipt.status() >= 400 ? Json.error(receipt.status(), receipt.message())
                : Json.ok(receipt.status(), Map.of("status", receipt.message()));
    }

    /**
     * What becomes of a report: refused here, or taken by the inbox. Agents send it gzip-compressed
     * (a tenth of the bytes to carry and decrypt), older agents as plain JSON.
     */
    private ReportInbox.Receipt receive(String certname, String encoding, byte[] body) {
        if (body == null || body.length == 0) {
            return new ReportInbox.Receipt(400, "the request needs a report (kw-agent's JSON report)");
        }
        boolean gzip = encoding != null && encoding.strip().equalsIgnoreCase("gzip");
        if (!gzip && encoding != null && !encoding.isBlank() && !encoding.strip().equalsIgnoreCase("identity")) {
            return new ReportInbox.Receipt(415, "a report is sent as JSON, plain or with Content-Encoding gzip, not " + encoding);
        }
        return inbox.accept(certname, body, gzip);
    }
}
