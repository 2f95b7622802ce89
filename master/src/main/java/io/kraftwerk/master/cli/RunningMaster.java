package io.kraftwerk.master.cli;

import io.kraftwerk.master.auth.AdminToken;
import io.kraftwerk.master.settings.MasterPaths;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;

/**
 * The master running on this host, asked over its API as the admin: the token from DATA/admin.token,
 * the server trusted through DATA/ca/ca_crt.pem only (never the system's CAs).
 */
final class RunningMaster {
    private final URI server;
    private final HttpClient client;
    private final String token;

    /** An answer: its status, body and the headers a command reads. */
    record Answer(int status, String body, HttpResponse<String> response) {
    }

    private RunningMaster(URI server, HttpClient client, String token) {
        this.server = server;
        this.client = client;
        this.token = token;
    }

    static RunningMaster of(URI server, Path dataDir) throws IOException {
        MasterPaths paths = new MasterPaths(dataDir);
        String token;
        try {
            token = AdminToken.read(paths.adminToken());
        } catch (AdminToken.Unusable e) {
            throw new IOException(e.getMessage(), e);
        }
        Path caFile = paths.ca().resolve("ca_crt.pem");
        try (InputStream in = Files.newInputStream(caFile)) {
            X509Certificate ca = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("kraftwerk-ca", ca);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, tmf.getTrustManagers(), null);
            return new RunningMaster(server, HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(10)).build(), token);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use the master's CA certificate " + caFile + ": " + e.getMessage(), e);
        }
    }

    Answer get(String pathAndQuery, Duration timeout) throws IOException, InterruptedException {
        return send("GET", pathAndQuery, timeout);
    }

    Answer post(String path, Duration timeout) throws IOException, InterruptedException {
        return send("POST", path, timeout);
    }

    private Answer send(String method, String pathAndQuery, Duration timeout) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(server.resolve(pathAndQuery)).timeout(timeout)
                .header("Authorization", "Bearer " + token).method(method, HttpRequest.BodyPublishers.noBody()).build();
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body(), response);
        } catch (SSLHandshakeException e) {
            throw new IOException("TLS with " + server + " failed (" + e.getMessage() + "): give --server https://NAME:PORT with a name"
                    + " the master's certificate carries (its --name)", e);
        } catch (IOException e) {
            throw new IOException("cannot reach the master at " + server + ": " + e.getMessage()
                    + " (is 'kw-master serve' running? give --server https://NAME:PORT)", e);
        }
    }
}
