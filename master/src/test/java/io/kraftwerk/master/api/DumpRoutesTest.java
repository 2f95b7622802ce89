package io.kraftwerk.master.api;

import static io.kraftwerk.master.api.MasterClients.anonymous;
import static io.kraftwerk.master.api.MasterClients.client;
import static io.kraftwerk.master.api.MasterClients.fetchCatalog;
import static io.kraftwerk.master.api.MasterClients.get;
import static io.kraftwerk.master.api.MasterClients.sha256;
import static io.kraftwerk.master.api.MasterClients.url;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kraftwerk.master.auth.InProcessMaster;
import io.kraftwerk.model.dump.DumpArchive;
import io.kraftwerk.model.dump.DumpManifest;
import io.kraftwerk.model.dump.DumpPart;
import io.kraftwerk.model.json.ModelJson;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The dump routes of a master over real mutual TLS: web1 pushes its hello dump in chunks (resuming
 * one it had not sent), the master checks it whole and keeps it encrypted, stage1 — granted by
 * site.yaml — reads exactly those bytes, db1 and anonymous callers cannot, and a changed byte at
 * rest never reaches a reader as a good archive.
 */
@QuarkusTest
@QuarkusTestResource(value = DumpRoutesTest.Master.class, restrictToAnnotatedClass = true)
class DumpRoutesTest {
    private static final String WEB1 = "web1.example.net";
    /** A marker no byte of the master's disk may hold in the clear. */
    private static final byte[] MARKER = "customer-record-4711".getBytes(StandardCharsets.US_ASCII);

    /** stage* may read web1's hello dumps; nothing else is granted. Two dumps of each app are kept. */
    public static class Master extends InProcessMaster {
        @Override
        protected void writeManifests(Path manifests) throws IOException {
            Files.writeString(manifests.resolve("site.yaml"), "apiVersion: kraftwerk/v1\nkind: Site\nnodes:\n"
                    + "  - glob: '*.example.net'\n    roles: []\n"
                    + "dump_access:\n  - app: hello\n    from: [web1.example.net, web2.example.net]\n    to: ['stage*.example.net']\n");
        }

        @Override
        public Map<String, String> start() {
            Map<String, String> config = new HashMap<>(super.start());
            config.put("kraftwerk.master.dump-keep", "2");
            return config;
        }
    }

    @Test
    void aNodePushesInChunksAndOnlyTheNodesTheSiteGrantsReadItBack() throws Exception {
        HttpClient web1 = client(WEB1);
        fetchCatalog(web1, WEB1); // the master learns web1's environment: its site.yaml decides who else reads the dump
        byte[] archive = archive(WEB1, "hello", 9 << 20);
        JsonNode begun = begin(web1, WEB1, "hello", archive);
        String upload = begun.get("upload").asText();
        assertEquals(2, begun.get("chunks").asInt());

        assertEquals(204, chunk(web1, "hello", upload, 1, archive).statusCode());
        HttpResponse<String> early = web1.send(post("/v1/dumps/" + WEB1 + "/hello/uploads/" + upload + "/complete"),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(409, early.statusCode(), early.body());
        assertEquals("[0]", ModelJson.mapper().readTree(web1.send(get("/v1/dumps/" + WEB1 + "/hello/uploads/" + upload),
                HttpResponse.BodyHandlers.ofString()).body()).get("missing").toString(), "resuming: only chunk 0 is missing");
        assertEquals(204, chunk(web1, "hello", upload, 0, archive).statusCode());
        HttpResponse<String> done = web1.send(post("/v1/dumps/" + WEB1 + "/hello/uploads/" + upload + "/complete"),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, done.statusCode(), done.body());
        assertEquals("production", ModelJson.mapper().readTree(done.body()).get("environment").asText());
        assertEquals(sha256(archive), ModelJson.mapper().readTree(done.body()).get("sha256").asText());
        assertNoClearByteOnDisk();

        HttpResponse<byte[]> pulled = client("stage1.example.net").send(get("/v1/dumps/" + WEB1 + "/hello/latest"),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, pulled.statusCode());
        assertArrayEquals(archive, pulled.body(), "stage1 reads exactly what web1 pushed");
        assertEquals(sha256(archive), pulled.headers().firstValue("X-Sha256").orElseThrow());
        assertEquals(200, web1.send(get("/v1/dumps/" + WEB1 + "/hello/latest"), HttpResponse.BodyHandlers.discarding()).statusCode(),
                "the node reads its own");

        HttpResponse<String> other = client("db1.example.net").send(get("/v1/dumps/" + WEB1 + "/hello/latest"),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(403, other.statusCode(), "no grant, no read");
        assertTrue(other.body().contains("dump_access"), other.body());
        assertEquals(403, client("db1.example.net").send(get("/v1/dumps/" + WEB1 + "/hello"), HttpResponse.BodyHandlers.ofString())
                .statusCode(), "nor the list");
        assertEquals(403, client("stage1.example.net").send(get("/v1/dumps/" + WEB1 + "/blog/latest"),
                HttpResponse.BodyHandlers.ofString()).statusCode(), "the grant is for hello only");
        assertEquals(401, anonymous().send(get("/v1/dumps/" + WEB1 + "/hello/latest"), HttpResponse.BodyHandlers.ofString())
                .statusCode());
        assertEquals(403, client("stage1.example.net").send(HttpRequest.newBuilder(url("/v1/dumps/" + WEB1 + "/hello"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"size\": 2048, \"sha256\": \"" + "0".repeat(64) + "\"}"))
                .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString()).statusCode(),
                "a reader cannot push in web1's name");
    }

    @Test
    void aGrantedNodeHearsThatThereIsNoDumpYetWhereAnyOtherIsRefused() throws Exception {
        fetchCatalog(client("web2.example.net"), "web2.example.net");
        assertEquals(404, client("stage2.example.net").send(get("/v1/dumps/web2.example.net/hello/latest"),
                HttpResponse.BodyHandlers.ofString()).statusCode(), "granted, and web2 pushed no hello yet");
        assertEquals(403, client("db1.example.net").send(get("/v1/dumps/web2.example.net/hello/latest"),
                HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @Test
    void completingAgainAnswersWithWhatWasKeptAndAnUploadGivenUpOnGoes() throws Exception {
        HttpClient web1 = client(WEB1);
        byte[] archive = archive(WEB1, "notes", 4096);
        String upload = begin(web1, WEB1, "notes", archive).get("upload").asText();
        assertEquals(204, chunk(web1, "notes", upload, 0, archive).statusCode());
        HttpResponse<String> first = web1.send(post("/v1/dumps/" + WEB1 + "/notes/uploads/" + upload + "/complete"),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> again = web1.send(post("/v1/dumps/" + WEB1 + "/notes/uploads/" + upload + "/complete"),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, again.statusCode(), again.body());
        assertEquals(ModelJson.mapper().readTree(first.body()), ModelJson.mapper().readTree(again.body()), "the same dump, kept once");
        assertEquals(1, ModelJson.mapper().readTree(web1.send(get("/v1/dumps/" + WEB1 + "/notes"), HttpResponse.BodyHandlers.ofString())
                .body()).get("dumps").size());

        String abandoned = begin(web1, WEB1, "notes", archive).get("upload").asText();
        assertEquals(204, web1.send(HttpRequest.newBuilder(url("/v1/dumps/" + WEB1 + "/notes/uploads/" + abandoned)).DELETE().build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
        assertFalse(Files.exists(InProcessMaster.dataDir().resolve("dumps/uploads/" + abandoned)), "its chunks went");
        assertEquals(403, client("db1.example.net").send(HttpRequest.newBuilder(url("/v1/dumps/" + WEB1 + "/notes/uploads/" + upload))
                .DELETE().build(), HttpResponse.BodyHandlers.ofString()).statusCode(), "only the node itself");
    }

    @Test
    void anUploadThatIsNotWhatItSaysIsDroppedSayingWhy() throws Exception {
        HttpClient web1 = client(WEB1);
        byte[] forged = archive("db1.example.net", "hello", 4096);
        String upload = begin(web1, WEB1, "hello", forged).get("upload").asText();
        assertEquals(204, chunk(web1, "hello", upload, 0, forged).statusCode());
        HttpResponse<String> refused = web1.send(post("/v1/dumps/" + WEB1 + "/hello/uploads/" + upload + "/complete"),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, refused.statusCode());
        assertTrue(refused.body().contains("its manifest says it was made on db1.example.net"), refused.body());

        byte[] other = archive(WEB1, "hello", 5000);
        String third = begin(web1, WEB1, "hello", archive(WEB1, "hello", 4096)).get("upload").asText();
        assertEquals(400, chunk(web1, "hello", third, 0, other).statusCode(), "a chunk of another size than announced");

        byte[] archive = archive(WEB1, "hello", 4096);
        byte[] changed = archive.clone();
        changed[indexOf(changed, MARKER)] ^= 1; // in the part: the master's check of the part's digest refuses it
        String second = begin(web1, WEB1, "hello", archive).get("upload").asText();
        assertEquals(204, chunk(web1, "hello", second, 0, changed).statusCode());
        HttpResponse<String> damaged = web1.send(post("/v1/dumps/" + WEB1 + "/hello/uploads/" + second + "/complete"),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, damaged.statusCode(), damaged.body());
        assertTrue(damaged.body().contains("data_dir/uploads.tar has SHA-256"), damaged.body());
        assertEquals(404, web1.send(get("/v1/dumps/" + WEB1 + "/hello/uploads/" + second), HttpResponse.BodyHandlers.ofString())
                .statusCode(), "dropped");
    }

    @Test
    void aByteChangedAtRestNeverReachesAReaderAsAGoodArchiveAndOnlyTheNewestTwoAreKept() throws Exception {
        HttpClient web1 = client(WEB1);
        fetchCatalog(web1, WEB1);
        String oldest = push(web1, archive(WEB1, "wiki", 3000));
        push(web1, archive(WEB1, "wiki", 3100));
        byte[] newest = archive(WEB1, "wiki", 3200);
        String id = push(web1, newest);
        JsonNode listed = ModelJson.mapper().readTree(web1.send(get("/v1/dumps/" + WEB1 + "/wiki"),
                HttpResponse.BodyHandlers.ofString()).body()).get("dumps");
        assertEquals(2, listed.size(), "dump-keep 2: " + listed);
        assertEquals(id, listed.get(0).get("id").asText(), "newest first");
        assertFalse(listed.toString().contains(oldest), "the oldest went");
        assertFalse(Files.exists(InProcessMaster.dataDir().resolve("dumps/stored/" + oldest)), "with its bytes");

        Path chunk = InProcessMaster.dataDir().resolve("dumps/stored/" + id + "/000000.sealed");
        byte[] sealed = Files.readAllBytes(chunk);
        sealed[100] ^= 1;
        Files.write(chunk, sealed);
        byte[] read;
        try {
            read = web1.send(get("/v1/dumps/" + WEB1 + "/wiki/" + id), HttpResponse.BodyHandlers.ofByteArray()).body();
        } catch (IOException cut) {
            read = new byte[0]; // the answer ended short of its Content-Length
        }
        assertNotEquals(sha256(newest), sha256(read), "a damaged dump is never served whole");
    }

    private static String push(HttpClient node, byte[] archive) throws Exception {
        String upload = begin(node, WEB1, "wiki", archive).get("upload").asText();
        assertEquals(204, chunk(node, "wiki", upload, 0, archive).statusCode());
        HttpResponse<String> done = node.send(post("/v1/dumps/" + WEB1 + "/wiki/uploads/" + upload + "/complete"),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, done.statusCode(), done.body());
        return upload;
    }

    private static void assertNoClearByteOnDisk() throws IOException {
        try (Stream<Path> files = Files.walk(InProcessMaster.dataDir().resolve("dumps"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertEquals(-1, indexOf(Files.readAllBytes(file), MARKER), file + " holds data in the clear");
            }
        }
    }

    private static int indexOf(byte[] bytes, byte[] part) {
        for (int i = 0; i + part.length <= bytes.length; i++) {
            if (Arrays.equals(bytes, i, i + part.length, part, 0, part.length)) {
                return i;
            }
        }
        return -1;
    }

    private static JsonNode begin(HttpClient node, String certname, String app, byte[] archive) throws Exception {
        HttpResponse<String> begun = node.send(HttpRequest.newBuilder(url("/v1/dumps/" + certname + "/" + app))
                .POST(HttpRequest.BodyPublishers.ofString("{\"size\": " + archive.length + ", \"sha256\": \"" + sha256(archive) + "\"}"))
                .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, begun.statusCode(), begun.body());
        return ModelJson.mapper().readTree(begun.body());
    }

    private static HttpResponse<String> chunk(HttpClient node, String app, String upload, int index, byte[] archive) throws Exception {
        int from = index * (8 << 20);
        byte[] bytes = Arrays.copyOfRange(archive, from, Math.min(archive.length, from + (8 << 20)));
        return node.send(HttpRequest.newBuilder(url("/v1/dumps/" + WEB1 + "/" + app + "/uploads/" + upload + "/" + index))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)).header("Content-Type", "application/octet-stream").build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest post(String path) {
        return HttpRequest.newBuilder(url(path)).POST(HttpRequest.BodyPublishers.noBody()).build();
    }

    /** A dump archive of one data dir of {@code bytes} random bytes with the marker in it. */
    private static byte[] archive(String node, String app, int bytes) throws IOException {
        byte[] part = new byte[bytes];
        new Random(bytes).nextBytes(part);
        System.arraycopy(MARKER, 0, part, 100, MARKER.length);
        Path file = Files.createTempFile("part", ".tar");
        try {
            Files.write(file, part);
            DumpManifest manifest = new DumpManifest(1, node, app, Instant.now(), DumpManifest.CONSISTENT, List.of(new DumpPart(
                    DumpPart.Kind.DATA_DIR, "uploads", "/srv/" + app + "/data/uploads", "data_dir/uploads.tar", bytes, sha256Hex(part))));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            DumpArchive.write(out, manifest, p -> file);
            return out.toByteArray();
        } finally {
            Files.delete(file);
        }
    }

    private static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(DumpArchive.sha256().digest(bytes));
    }
}
