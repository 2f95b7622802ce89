package io.kraftwerk.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
import io.kraftwerk.model.json.ModelJson;
import io.kraftwerk.testkit.MasterProcess;
import io.kraftwerk.testkit.NodeIdentity;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A test's client of a running master: admin calls with the token, node calls with a node's
 * certificate. Safe to call from several threads at once.
 */
final class FleetApi {
    private final MasterProcess master;
    private final Map<String, HttpClient> clients = new ConcurrentHashMap<>();

    FleetApi(MasterProcess master) {
        this.master = master;
    }

    /** An answer: status and body. */
    record Answer(int status, String body) {
        JsonNode json() throws IOException {
            return ModelJson.mapper().readTree(body);
        }
    }

    Answer get(String path) throws Exception {
        return send(null, "GET", path, null, Map.of("Authorization", "Bearer " + master.adminToken()));
    }

    Answer post(String path) throws Exception {
        return send(null, "POST", path, new byte[0], Map.of("Authorization", "Bearer " + master.adminToken()));
    }

    /** A call without a client certificate or token, as a node that has none yet makes it (the CA's bootstrap routes). */
    Answer anonymous(String method, String path, byte[] body, String contentType) throws Exception {
        return send(null, method, path, body, Map.of("Content-Type", contentType));
    }

    Answer asNode(NodeIdentity node, String method, String path, byte[] body) throws Exception {
        return send(node, method, path, body, Map.of("Content-Type", "application/json"));
    }

    /** As {@link #asNode}, the body sent as it is with this Content-Encoding (a node's agent sends its reports gzip). */
    Answer asNode(NodeIdentity node, String method, String path, byte[] body, String contentEncoding) throws Exception {
        return send(node, method, path, body, Map.of("Content-Type", "application/json", "Content-Encoding", contentEncoding));
    }

    /** The certnames of a page of the node table. */
    List<String> certnames(String path) throws Exception {
        Answer a = get(path);
        if (a.status() != 200) {
            throw new AssertionError(path + " answered " + a.status() + ": " + a.body());
        }
        List<String> out = new ArrayList<>();
        a.json().get("page").get("items").forEach(n -> out.add(n.get("certname").asText()));
        return out;
    }

    /** As {@link #asNode}, with the body's own Content-Type. */
    Answer asNode(NodeIdentity node, String method, String path, byte[] body, Map<String, String> headers) throws Exception {
        return send(node, method, path, body, headers);
    }

    private Answer send(NodeIdentity who, String method, String path, byte[] body, Map<String, String> headers) throws Exception {
        String key = who == null ? "admin" : who.certname();
        HttpClient client = clients.get(key);
        if (client == null) {
            client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10))
                    .sslContext(who == null ? NodeIdentity.anonymous(NodeIdentity.readCertificate(master.caCertificate()))
                            : who.sslContext()).build();
            HttpClient first = clients.putIfAbsent(key, client);
            client = first == null ? client : first;
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(master.url("localhost") + path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body());
    }
}
