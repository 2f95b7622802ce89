package io.kraftwerk.master.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kraftwerk.master.auth.InProcessMaster;
import io.kraftwerk.master.ca.CertificateAuthority;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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

/** HTTPS clients of the {@link InProcessMaster}: as a node (a certificate from its CA), anonymous, or with the admin token. */
final class MasterClients {
    private static final Map<String, HttpClient> CLIENTS = new HashMap<>();

    private MasterClients() {
    }

    static HttpRequest.Builder admin(HttpRequest.Builder request) throws IOException {
        return request.header("Authorization", "Bearer " + Files.readString(InProcessMaster.dataDir().resolve("admin.token")).strip());
    }

    static String fetchCatalog(HttpClient node, String certname) throws Exception {
        HttpResponse<String> answer = node.send(HttpRequest.newBuilder(url("/v1/catalogs/" + certname))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), answer.body());
        return answer.body();
    }

    static HttpRequest get(String path) {
        return HttpRequest.newBuilder(url(path)).timeout(Duration.ofSeconds(30)).GET().build();
    }

    static URI url(String path) {
        return URI.create("https://localhost:" + InProcessMaster.port() + path);
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    static HttpClient anonymous() throws Exception {
        return client(null);
    }

    /** A client trusting the master's CA, presenting a certificate for {@code certname} (none when null), made once. */
    static synchronized HttpClient client(String certname) throws Exception {
        String key = InProcessMaster.dataDir() + " " + certname;
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
