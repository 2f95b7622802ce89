package io.kraftwerk.master.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kraftwerk.model.json.ModelJson;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/**
 * Default deny, live: a master serving a route that declares no caller (UndeclaredTestResource,
 * a test class) refuses it to everyone, the admin included, and lists it in its route table as
 * declaring nobody, which is what AuthorizationIT fails on. The product itself has no such route,
 * so this is the only place the rule can be seen working.
 */
@QuarkusTest
@QuarkusTestResource(value = InProcessMaster.class, restrictToAnnotatedClass = true)
class DefaultDenyTest {

    @Test
    void aRouteThatDeclaresNoCallerIsRefusedToEveryoneAndListedAsSuch() throws Exception {
        String token = Files.readString(InProcessMaster.dataDir.resolve("admin.token")).strip();
        HttpResponse<String> admin = get("/v1/test/undeclared", token);
        assertEquals(403, admin.statusCode(), admin.body());
        assertTrue(admin.body().contains("nobody may call UndeclaredTestResource.served: it declares no caller"), admin.body());
        HttpResponse<String> anonymous = get("/v1/test/undeclared", null);
        assertEquals(403, anonymous.statusCode(), anonymous.body());

        HttpResponse<String> routes = get("/v1/admin/routes", token);
        assertEquals(200, routes.statusCode(), routes.body());
        JsonNode undeclared = null;
        for (JsonNode route : ModelJson.mapper().readTree(routes.body()).get("routes")) {
            if (route.get("path").asText().equals("/v1/test/undeclared")) {
                undeclared = route;
            }
        }
        assertTrue(undeclared != null, "the route table lists the undeclared route: " + routes.body());
        assertEquals("NOBODY", undeclared.get("access").asText());
    }

    private static HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://localhost:" + InProcessMaster.port + path))
                .timeout(Duration.ofSeconds(30));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return client().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpClient client() throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(InProcessMaster.dataDir.resolve("ca/ca_crt.pem"))) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_1_1).build();
    }
}
