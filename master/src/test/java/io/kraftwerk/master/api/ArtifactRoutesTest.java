package io.kraftwerk.master.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kraftwerk.master.artifacts.ArtifactException;
import io.kraftwerk.master.artifacts.FileArtifactStore;
import io.kraftwerk.master.auth.InProcessMaster;
import io.kraftwerk.master.ca.CertificateAuthority;
import io.kraftwerk.model.json.ModelJson;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
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

    private static HttpRequest.Builder admin(HttpRequest.Builder request) throws IOException {
        return request.header("Authorization", "Bearer " + Files.readString(InProcessMaster.dataDir().resolve("admin.token")).strip());
    }

    private static String fetchCatalog(HttpClient node, String certname) throws Exception {
        HttpResponse<String> answer = node.send(HttpRequest.newBuilder(url("/v1/catalogs/" + certname))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), answer.body());
        return answer.body();
    }

    private static HttpRequest get(String path) {
        return HttpRequest.newBuilder(url(path)).timeout(Duration.ofSeconds(30)).GET().build();
    }

    private static URI url(String path) {
        return URI.create("https://localhost:" + InProcessMaster.port() + path);
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static HttpClient anonymous() throws Exception {
        return client(null);
    }

    private static final Map<String, HttpClient> CLIENTS = new HashMap<>();

    /** A client trusting the master's CA, presenting a certificate for {@code certname} (none when null), made once. */
    private static synchronized HttpClient client(String certname) throws Exception {
        String key = String.valueOf(certname);
        if (!CLIENTS.containsKey(key)) {
            CLIENTS.put(key, newClient(certname));
        }
        return CLIENTS.get(key);
    }

    private static HttpClient newClient(String certname) throws Exception {
        Path caDir = InProcessMaster.dataDir().resolve("ca");
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(caDir.resolve("ca_crt.pem"))) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (certname != null) {
            CertificateAuthority ca = CertificateAuthority.openOrCreate(caDir, "unused", Clock.systemUTC(),
                    CertificateAuthority.Profile.standard());
            CertificateAuthority.Generated node = ca.generate(certname, Map.of());
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("node", node.key(), new char[0], new Certificate[] {node.certificate()});
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, new char[0]);
        }
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_1_1).build();
    }
}
