package io.kraftwerk.master.api;

import static io.kraftwerk.master.api.MasterClients.admin;
import static io.kraftwerk.master.api.MasterClients.anonymous;
import static io.kraftwerk.master.api.MasterClients.client;
import static io.kraftwerk.master.api.MasterClients.fetchCatalog;
import static io.kraftwerk.master.api.MasterClients.get;
import static io.kraftwerk.master.api.MasterClients.sha256;
import static io.kraftwerk.master.api.MasterClients.url;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kraftwerk.master.artifacts.ArtifactException;
import io.kraftwerk.master.artifacts.FileArtifactStore;
import io.kraftwerk.master.auth.InProcessMaster;
import io.kraftwerk.model.json.ModelJson;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/**
 * The artifact routes of a master over real mutual TLS on loopback: a node downloads exactly the
 * bytes its own catalog pins, and nothing else; an admin uploads and lists.
 */
@QuarkusTest
@QuarkusTestResource(value = ArtifactRoutesTest.Master.class, restrictToAnnotatedClass = true)
class ArtifactRoutesTest {
    static final byte[] HELLO = "the kwhello wheel".getBytes(StandardCharsets.UTF_8);
    static final byte[] BLOG = "the kwblog wheel".getBytes(StandardCharsets.UTF_8);

    /** web1 runs hello, db1 runs blog; both wheels are in the store. */
    public static class Master extends InProcessMaster {
        @Override
        protected void prepareData(Path data) throws IOException {
            FileArtifactStore store = new FileArtifactStore(data.resolve("artifacts"), 1 << 20, Clock.systemUTC());
            try {
                store.add("kwhello-1.0.0-py3-none-any.whl", new ByteArrayInputStream(HELLO), null);
                store.add("kwblog-2.3.1-py3-none-any.whl", new ByteArrayInputStream(BLOG), null);
            } catch (ArtifactException e) {
                throw new IOException(e);
            }
        }

        @Override
        protected void writeManifests(Path manifests) throws IOException {
            Files.createDirectories(manifests.resolve("roles"));
            Files.writeString(manifests.resolve("site.yaml"), "apiVersion: kraftwerk/v1\nkind: Site\nnodes:\n"
                    + "  - name: web1.example.net\n    roles: [hello]\n  - name: db1.example.net\n    roles: [blog]\n");
            for (String app : new String[] {"hello:kwhello==1.0.0", "blog:kwblog==2.3.1"}) {
                String name = app.substring(0, app.indexOf(':'));
                Files.writeString(manifests.resolve("roles/" + name + ".yaml"), "apiVersion: kraftwerk/v1\nkind: Role\n"
                        + "resources:\n  wsgi_app:\n    " + name + ":\n      domains: [" + name + ".example.net]\n"
                        + "      module: " + name + ".wsgi:application\n      requirements: [\"artifact:" + app.substring(name.length() + 1)
                        + "\"]\n");
            }
        }
    }

    @Test
    void aNodeGetsExactlyTheBytesItsOwnCatalogPinsAndNothingElse() throws Exception {
        HttpClient web1 = client("web1.example.net");
        HttpClient db1 = client("db1.example.net");
        String hello = sha256(HELLO);
        String blog = sha256(BLOG);

        assertEquals(403, web1.send(get("/v1/artifacts/web1.example.net/" + hello), HttpResponse.BodyHandlers.ofString()).statusCode(),
                "before the master has served web1 a catalog, it pins nothing");

        JsonNode catalog = ModelJson.mapper().readTree(fetchCatalog(web1, "web1.example.net"));
        assertTrue(catalog.toString().contains("\"sha256\":\"" + hello + "\""), "the catalog pins the wheel: " + catalog);
        HttpResponse<byte[]> own = web1.send(get("/v1/artifacts/web1.example.net/" + hello), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, own.statusCode());
        assertArrayEquals(HELLO, own.body());
        assertEquals(hello, own.headers().firstValue("X-Sha256").orElseThrow());

        fetchCatalog(db1, "db1.example.net");
        HttpResponse<String> others = web1.send(get("/v1/artifacts/web1.example.net/" + blog), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, others.statusCode(), "db1's wheel, in the store and pinned for db1: not web1's");
        assertEquals("the catalog last served to web1.example.net pins no artifact with sha256 " + blog + " (a node gets only"
                + " the artifacts of its own catalog; fetch the catalog first)", ModelJson.mapper().readTree(others.body()).get("error")
                .asText());
        HttpResponse<String> unknown = web1.send(get("/v1/artifacts/web1.example.net/" + "0".repeat(64)),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(403, unknown.statusCode());
        assertEquals(others.body().replace(blog, "0".repeat(64)), unknown.body(), "an unknown digest is answered alike");
        assertEquals(403, db1.send(get("/v1/artifacts/web1.example.net/" + hello), HttpResponse.BodyHandlers.ofString()).statusCode(),
                "db1 cannot ask in web1's name");
        assertEquals(200, db1.send(get("/v1/artifacts/db1.example.net/" + blog), HttpResponse.BodyHandlers.ofString()).statusCode());
        assertEquals(401, anonymous().send(get("/v1/artifacts/web1.example.net/" + hello), HttpResponse.BodyHandlers.ofString())
                .statusCode());
    }

    @Test
    void anAdminUploadsWithTheDigestCheckedAndListsTheStore() throws Exception {
        byte[] wiki = "the kwwiki wheel".getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> added = upload("kwwiki-0.1.0-py3-none-any.whl", wiki, sha256(wiki));
        assertEquals(201, added.statusCode(), added.body());
        assertEquals(sha256(wiki), ModelJson.mapper().readTree(added.body()).get("sha256").asText());
        assertEquals(200, upload("kwwiki-0.1.0-py3-none-any.whl", wiki, null).statusCode(), "the same file again: unchanged");

        HttpResponse<String> badName = upload("../../etc/kwwiki-0.1.0-py3-none-any.whl", wiki, null);
        assertEquals(400, badName.statusCode());
        assertEquals("'../../etc/kwwiki-0.1.0-py3-none-any.whl' is not a file name: give the name alone, without a directory, such as"
                + " kwhello-1.0.0-py3-none-any.whl", ModelJson.mapper().readTree(badName.body()).get("error").asText());
        HttpResponse<String> notAWheel = upload("kwwiki.exe", wiki, null);
        assertEquals(400, notAWheel.statusCode(), notAWheel.body());
        HttpResponse<String> corrupted = upload("kwwiki-0.2.0-py3-none-any.whl", wiki, "0".repeat(64));
        assertEquals(400, corrupted.statusCode(), corrupted.body());

        HttpResponse<String> list = anonymous().send(admin(HttpRequest.newBuilder(url("/v1/admin/artifacts")).GET()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, list.statusCode(), list.body());
        StringBuilder files = new StringBuilder();
        ModelJson.mapper().readTree(list.body()).get("artifacts").forEach(a -> files.append(a.get("filename").asText()).append(' '));
        assertEquals("kwblog-2.3.1-py3-none-any.whl kwhello-1.0.0-py3-none-any.whl kwwiki-0.1.0-py3-none-any.whl ", files.toString(),
                "neither the refused name nor the corrupted upload was kept");
        assertEquals(403, client("web1.example.net").send(HttpRequest.newBuilder(url("/v1/admin/artifacts")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).statusCode(), "not for nodes");
    }

    private HttpResponse<String> upload(String filename, byte[] body, String sha256) throws Exception {
        HttpRequest.Builder request = admin(HttpRequest.newBuilder(url("/v1/admin/artifacts?filename="
                + URLEncoder.encode(filename, StandardCharsets.UTF_8))).POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Content-Type", "application/octet-stream"));
        if (sha256 != null) {
            request.header("X-Sha256", sha256);
        }
        return anonymous().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
