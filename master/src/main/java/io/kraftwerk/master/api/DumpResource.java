package io.kraftwerk.master.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.kraftwerk.master.auth.Callers;
import io.kraftwerk.master.auth.NodeItself;
import io.kraftwerk.master.auth.NodeOrGrantee;
import io.kraftwerk.master.dumps.DumpStore;
import io.kraftwerk.master.dumps.DumpStoreException;
import io.kraftwerk.master.serve.DumpService;
import io.kraftwerk.master.store.Dumps;
import io.kraftwerk.model.json.ModelJson;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * App dumps over mTLS ({@code kw-agent data push} and {@code pull}). A node pushes its own dumps in
 * chunks: {@code POST /v1/dumps/CERTNAME/APP} announces the size and SHA-256 and gets an upload id,
 * {@code PUT …/uploads/ID/N} sends chunk N (8 MiB, the last what remains), {@code GET …/uploads/ID}
 * says which chunks are still missing (to resume), {@code POST …/uploads/ID/complete} has the
 * master check it whole and keep it (asked again, it answers with what it kept), and {@code DELETE
 * …/uploads/ID} drops one the node gave up on. Reading — {@code GET /v1/dumps/CERTNAME/APP} (the list) and
 * {@code …/latest} or {@code …/ID} (the archive) — is for the node itself and the nodes the
 * manifests grant (see {@link NodeOrGrantee}); nobody else learns whether a dump exists.
 */
@Path("/v1/dumps")
public class DumpResource {
    static final String OCTETS = "application/octet-stream";

    @Inject
    DumpService dumps;

    @Inject
    SecurityIdentity identity;

    @POST
    @NodeItself
    @RolesAllowed(Callers.NODE)
    @MaxBody(4096)
    @Path("{certname}/{app}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response begin(@PathParam("certname") String certname, @PathParam("app") String app, byte[] body) throws IOException {
        if (!app.matches(APP)) {
            return Json.error(400, "'" + app + "' is not an app name");
        }
        JsonNode request;
        try {
            request = ModelJson.mapper().readTree(body);
        } catch (IOException e) {
            return Json.error(400, "the request is not JSON: {\"size\": BYTES, \"sha256\": HEX}");
        }
        if (request == null || !request.path("size").canConvertToLong() || !request.path("sha256").isTextual()) {
            return Json.error(400, "the request needs {\"size\": BYTES, \"sha256\": HEX} of the whole archive");
        }
        try {
            DumpService.Begun begun = dumps.begin(certname, app, request.get("size").asLong(), request.get("sha256").asText());
            return Json.ok(201, Map.of("upload", begun.upload(), "chunk_bytes", begun.chunkBytes(), "chunks", begun.chunks()));
        } catch (DumpStoreException e) {
            return Json.error(e.status(), e.getMessage());
        }
    }

    @PUT
    @NodeItself
    @RolesAllowed(Callers.NODE)
    @Throttled
    @MaxBody(DumpStore.CHUNK_BYTES)
    @Path("{certname}/{app}/uploads/{upload}/{index}")
    @Consumes(OCTETS)
    public Response chunk(@PathParam("certname") String certname, @PathParam("app") String app, @PathParam("upload") String upload,
                          @PathParam("index") String index, byte[] bytes) throws IOException {
        if (!index.matches("[0-9]{1,6}")) {
            return Json.error(400, "'" + index + "' is not a chunk number");
        }
        try {
            dumps.chunk(certname, app, upload, Integer.parseInt(index), bytes == null ? new byte[0] : bytes);
            return Response.noContent().build();
        } catch (DumpStoreException e) {
            return Json.error(e.status(), e.getMessage());
        }
    }

    @GET
    @NodeItself
    @RolesAllowed(Callers.NODE)
    @Path("{certname}/{app}/uploads/{upload}")
    public Response upload(@PathParam("certname") String certname, @PathParam("app") String app, @PathParam("upload") String upload)
            throws IOException {
        try {
            return Json.ok(200, Map.of("upload", upload, "missing", dumps.missing(certname, app, upload)));
        } catch (DumpStoreException e) {
            return Json.error(e.status(), e.getMessage());
        }
    }

    @DELETE
    @NodeItself
    @RolesAllowed(Callers.NODE)
    @Path("{certname}/{app}/uploads/{upload}")
    public Response abort(@PathParam("certname") String certname, @PathParam("app") String app, @PathParam("upload") String upload)
            throws IOException {
        try {
            dumps.abort(certname, app, upload);
            return Response.noContent().build();
        } catch (DumpStoreException e) {
            return Json.error(e.status(), e.getMessage());
        }
    }

    @POST
    @NodeItself
    @RolesAllowed(Callers.NODE)
    @Throttled
    @MaxBody(0)
    @Path("{certname}/{app}/uploads/{upload}/complete")
    public Response complete(@PathParam("certname") String certname, @PathParam("app") String app, @PathParam("upload") String upload)
            throws IOException {
        try {
            return Json.ok(201, describe(dumps.complete(certname, app, upload)));
        } catch (DumpStoreException e) {
            return Json.error(e.status(), e.getMessage());
        }
    }

    @GET
    @NodeOrGrantee
    @RolesAllowed(Callers.NODE)
    @Path("{certname}/{app}")
    public Response list(@PathParam("certname") String certname, @PathParam("app") String app) {
        List<Map<String, Object>> rows = dumps.readable(caller(), certname, app).stream().map(DumpResource::describe).toList();
        return Json.ok(200, Map.of("dumps", rows));
    }

    /** The newest dump the caller may read, or the one with this id. */
    @GET
    @NodeOrGrantee
    @RolesAllowed(Callers.NODE)
    @Path("{certname}/{app}/{id}")
    public Response download(@PathParam("certname") String certname, @PathParam("app") String app, @PathParam("id") String id)
            throws IOException {
        List<Dumps.Row> readable = dumps.readable(caller(), certname, app);
        Optional<Dumps.Row> row = id.equals("latest") ? readable.stream().findFirst()
                : readable.stream().filter(r -> r.id().equals(id)).findFirst();
        if (row.isEmpty()) {
            return Json.error(404, id.equals("latest") ? certname + " has pushed no dump of " + app + " (kw-agent data push " + app + ")"
                    : "no dump " + id + " of " + certname + "'s " + app);
        }
        Dumps.Row dump = row.get();
        InputStream in;
        try {
            in = dumps.open(dump);
        } catch (DumpStoreException e) {
            return Json.error(e.status(), e.getMessage());
        }
        StreamingOutput body = out -> {
            try (in) {
                in.transferTo(out); // a chunk that fails its tag ends the answer short: the reader's digest check refuses it
            }
        };
        return Response.ok(body, OCTETS).header("Content-Length", dump.sizeBytes()).header(ArtifactResource.SHA256_HEADER, dump.sha256())
                .header("Kraftwerk-Dump-Id", dump.id()).header("Kraftwerk-Dump-Created", dump.createdAt().toString())
                .header("Content-Disposition", "attachment; filename=\"" + certname + "-" + app + "-" + dump.id() + ".kwdump\"").build();
    }

    private static final String APP = "[a-z][a-z0-9_-]{0,31}";

    private String caller() {
        return identity.getPrincipal().getName();
    }

    static Map<String, Object> describe(Dumps.Row row) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", row.id());
        out.put("node", row.certname());
        out.put("app", row.app());
        out.put("environment", row.environment());
        out.put("created", row.createdAt().toString());
        out.put("stored", row.storedAt().toString());
        out.put("size", row.sizeBytes());
        out.put("sha256", row.sha256());
        out.put("consistency", row.consistency());
        out.put("parts", row.parts());
        return out;
    }
}
