package io.kraftwerk.master.api;

import io.kraftwerk.master.artifacts.ArtifactException;
import io.kraftwerk.master.artifacts.ArtifactStore;
import io.kraftwerk.master.artifacts.StoredArtifact;
import io.kraftwerk.master.auth.Callers;
import io.kraftwerk.master.serve.ArtifactService;
import io.kraftwerk.master.settings.MasterConfig;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Admin, for CI: {@code POST /v1/admin/artifacts?filename=NAME} with the file as the body (and,
 * optionally, {@code X-Sha256} with its digest, checked) adds it to the store; {@code GET} lists
 * the store. The same as {@code kw-master artifacts add} and {@code list} on the master's host.
 */
@Path("/v1/admin/artifacts")
@RolesAllowed(Callers.ADMIN)
public class AdminArtifactResource {
    @Inject
    ArtifactService artifacts;

    @Inject
    MasterConfig config;

    @POST
    // the body is streamed to disk, never held: the bound that matters is the store's own, checked as it is read
    @MaxBody(Integer.MAX_VALUE)
    @Consumes(MediaType.WILDCARD)
    public Response upload(@QueryParam("filename") String filename, @HeaderParam(ArtifactResource.SHA256_HEADER) String sha256,
                           @HeaderParam("Content-Length") long length, InputStream body) {
        if (length > config.maxArtifactBytes()) {
            return Json.error(413, "the file is " + length + " bytes; the store accepts at most " + config.maxArtifactBytes()
                    + " (kraftwerk.master.max-artifact-bytes)");
        }
        try {
            ArtifactStore.Added added = artifacts.store().add(filename, body, sha256 == null ? null : sha256.strip());
            Map<String, Object> answer = describe(added.artifact());
            answer.put("added", added.added());
            return Json.ok(added.added() ? 201 : 200, answer);
        } catch (ArtifactException e) {
            return Json.error(e.kind().status(), e.getMessage());
        }
    }

    @GET
    public Response list() throws ArtifactException {
        List<Map<String, Object>> files = new ArrayList<>();
        for (StoredArtifact a : artifacts.store().snapshot().artifacts()) {
            files.add(describe(a));
        }
        return Json.ok(200, Map.of("artifacts", files));
    }

    private static Map<String, Object> describe(StoredArtifact a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", a.name());
        m.put("version", a.version());
        m.put("filename", a.filename());
        m.put("sha256", a.sha256());
        m.put("size", a.size());
        m.put("added_at", a.added().toString());
        return m;
    }
}
