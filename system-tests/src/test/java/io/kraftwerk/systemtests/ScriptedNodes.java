package io.kraftwerk.systemtests;

import io.kraftwerk.model.json.ModelJson;
import io.kraftwerk.model.report.Report;
import io.kraftwerk.testkit.MasterProcess;
import io.kraftwerk.testkit.NodeIdentity;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Nodes that speak the master's protocol without an agent: each with a certificate of the master's CA
 * and its own connection, asking for catalogs with the example site's facts and sending reports.
 * web2 is web1's facts with its own name and address (10.0.0.12).
 */
final class ScriptedNodes {
    private final MasterProcess master;
    private final Map<String, NodeIdentity> identities = new HashMap<>();
    private final Map<String, HttpClient> clients = new HashMap<>();

    ScriptedNodes(MasterProcess master, List<String> names) throws Exception {
        this.master = master;
        for (String name : names) {
            identities.put(name, master.identity(name));
        }
    }

    /** An answer: status, body and ETag. */
    record Answer(int status, String body, String etag) {
    }

    /** The node's catalog, asked with its facts; {@code etag} (or null) as If-None-Match. */
    Answer catalog(String node, String etag) throws IOException, InterruptedException {
        return call(node, "POST", "/v1/catalogs/" + node, facts(node).getBytes(StandardCharsets.UTF_8), etag, Map.of());
    }

    /** Sends the report as its node; the master's answer. */
    Answer report(Report report) throws IOException, InterruptedException {
        return call(report.node(), "POST", "/v1/reports/" + report.node(), ModelJson.writeBytes(report), null, Map.of());
    }

    /** A request with the admin token, over the node's connection (any client certificate of the CA will do). */
    Answer admin(String node, String method, String path) throws IOException, InterruptedException {
        return call(node, method, path, method.equals("POST") ? new byte[0] : null, null,
                Map.of("Authorization", "Bearer " + master.adminToken()));
    }

    Answer call(String node, String method, String path, byte[] body, String etag, Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(master.url("localhost") + path))
                .timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (body != null && body.length > 0) {
            request.header("Content-Type", "application/json");
        }
        if (etag != null) {
            request.header("If-None-Match", etag);
        }
        headers.forEach(request::header);
        HttpResponse<String> response = client(node).send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body(), response.headers().firstValue("ETag").orElse(null));
    }

    HttpClient client(String node) throws IOException {
        HttpClient client = clients.get(node);
        if (client == null) {
            try {
                client = HttpClient.newBuilder().sslContext(identities.get(node).sslContext()).version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(10)).build();
            } catch (GeneralSecurityException e) {
                throw new IOException(e);
            }
            clients.put(node, client);
        }
        return client;
    }

    private static String facts(String node) throws IOException {
        if (node.equals("web2.example.net")) {
            return Files.readString(Repo.ROOT.resolve("manifests/facts/web1.example.net.json"))
                    .replace("web1", "web2").replace("10.0.0.11", "10.0.0.12");
        }
        return Files.readString(Repo.ROOT.resolve("manifests/facts/" + node + ".json"));
    }
}
