package io.kraftwerk.master.api;

import io.kraftwerk.master.artifacts.ArtifactException;
import io.kraftwerk.master.artifacts.StoredArtifact;
import io.kraftwerk.master.auth.Callers;
import io.kraftwerk.master.auth.NodeItself;
import io.kraftwerk.master.serve.ArtifactService;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.InputStream;
import java.util.Optional;

/**
 * {@code GET /v1/artifacts/CERTNAME/SHA256}: a file of the artifact store, for the node itself, and
 * only when the catalog the master last served it pins that digest. Every other digest — another
 * node's, or none the store has — is refused alike (403), so the answer reveals nothing.
 */
@Path("/v1/artifacts")
public class ArtifactResource {
    static final String OCTETS = "application/octet-stream";
    /** The digest of the bytes sent, for a client that checks (the agent checks what it computed itself). */
    static final String SHA256_HEADER = "X-Sha256";

    @Inject
    ArtifactService artifacts;

    @GET
    @NodeItself
    @RolesAllowed(Callers.NODE)
    @Path("{certname}/{sha256}")
    public Response download(@PathParam("certname") String certname, @PathParam("sha256") String sha256) throws ArtifactException {
        if (!sha256.matches("[0-9a-f]{64}")) {
            return Json.error(400, "'" + sha256 + "' is not a SHA-256 digest (64 lowercase hex digits)");
        }
        if (!artifacts.pins(certname, sha256)) {
            return Json.error(403, "the catalog last served to " + certname + " pins no artifact with sha256 " + sha256
                    + " (a node gets only the artifacts of its own catalog; fetch the catalog first)");
        }
        Optional<StoredArtifact> artifact = artifacts.store().find(sha256);
        if (artifact.isEmpty()) {
            return Json.error(404, "the artifact with sha256 " + sha256 + " that " + certname + "'s catalog pins is no longer in the"
                    + " store (an operator adds it again with 'kw-master artifacts add FILE')");
        }
        StoredArtifact file = artifact.get();
        StreamingOutput body = out -> {
            try (InputStream in = artifacts.store().open(file)) {
                in.transferTo(out);
            }
        };
        return Response.ok(body, OCTETS).header("Content-Length", file.size()).header(SHA256_HEADER, file.sha256())
                .header("Content-Disposition", "attachment; filename=\"" + file.filename() + "\"").build();
    }
}
