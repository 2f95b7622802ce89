package io.kraftwerk.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kraftwerk.model.json.ModelJson;
import io.kraftwerk.testkit.GitRepo;
import io.kraftwerk.testkit.MasterProcess;
import io.kraftwerk.testkit.NodeIdentity;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every route a real {@code kw-master serve} serves, as its own routing tables list them, tried
 * by every kind of caller (none; a node for itself; another node; a revoked node; a wrong bearer
 * token; the admin token; a dashboard session) under every spelling of its path an attacker might
 * use to slip past a check: matrix parameters, percent-encoded letters, slashes and semicolons,
 * dot segments, doubled and trailing slashes, other letter case, HEAD for GET. Only the callers a
 * route declares may get a 2xx; each declared caller does get through the plain spelling.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthorizationIT {
    private static final String WEB1 = "web1.example.net";
    private static final String DB1 = "db1.example.net";
    private Path work;
    private MasterProcess master;
    private X509Certificate ca;
    private final Map<String, RawHttps> connections = new LinkedHashMap<>();
    private String session;
    private String adminToken;

    /** Who calls: a TLS identity (or none) and the headers it adds. */
    private record Caller(String name, SSLContext tls, Map<String, String> headers) {
    }

    @BeforeAll
    void startMaster() throws Exception {
        work = Files.createDirectories(Repo.SCRATCH).resolve("authorization-it");
        Repo.deleteTree(work);
        GitRepo manifests = GitRepo.create(work.resolve("manifests"), Repo.ROOT.resolve("manifests"), "production");
        // every probe comes from one address: the anonymous CA limit is not what this test is about
        master = MasterProcess.start(Repo.ROOT, work.resolve("data"), manifests.dir().toString(), List.of("--host", "127.0.0.1",
                "--name", "localhost", "--ip", "127.0.0.1", "--poll-interval", "1h"),
                "-Dkraftwerk.master.ca-requests-per-minute=1000000");
        ca = NodeIdentity.readCertificate(master.caCertificate());
    }

    @AfterAll
    void stopMaster() throws Exception {
        for (RawHttps c : connections.values()) {
            c.close();
        }
        if (master != null) {
            master.close();
        }
    }

    @Test
    void onlyTheCallerARouteDeclaresGetsThroughWhateverThePathSpelling() throws Exception {
        NodeIdentity web1 = NodeIdentity.issue(master.caDir(), WEB1);
        NodeIdentity db1 = NodeIdentity.issue(master.caDir(), DB1);
        NodeIdentity gone = NodeIdentity.issue(master.caDir(), "gone.example.net");
        assertEquals(0, master.cli(Repo.ROOT, "ca", "revoke", "gone.example.net").getKey());
        Caller anonymous = new Caller("anonymous", NodeIdentity.anonymous(ca), Map.of());
        Caller admin = new Caller("admin token", NodeIdentity.anonymous(ca), Map.of("Authorization", "Bearer " + master.adminToken()));
        adminToken = master.adminToken();
        session = signIn(anonymous);
        List<Caller> callers = List.of(anonymous,
                new Caller("node " + WEB1, web1.sslContext(), Map.of()),
                new Caller("node " + DB1, db1.sslContext(), Map.of()),
                new Caller("revoked node", gone.sslContext(), Map.of()),
                new Caller("wrong bearer", NodeIdentity.anonymous(ca), Map.of("Authorization", "Bearer " + "0".repeat(64))),
                admin,
                new Caller("dashboard session", NodeIdentity.anonymous(ca), Map.of("Cookie", "kw_session=" + session)));

        List<JsonNode> routes = new ArrayList<>();
        ModelJson.mapper().readTree(call(admin, "GET", "/v1/admin/routes", null).body()).get("routes").forEach(routes::add);
        assertTrue(routes.size() >= 30, "the master's routes: " + routes);
        List<String> undeclared = routes.stream().filter(r -> r.get("access").asText().equals("NOBODY"))
                .map(r -> r.get("method").asText() + " " + r.get("path").asText() + " (" + r.get("served_by").asText() + ")").toList();
        assertEquals(List.of(), undeclared, "every route declares who may call it");
        assertEveryDocumentedOperationIsListed(admin, routes);
        // signing out ends the session the later probes use: last
        routes.sort(Comparator.comparing(r -> r.get("path").asText().endsWith("/logout")));

        int probes = 0;
        List<String> breaches = new ArrayList<>();
        List<String> locked = new ArrayList<>();
        for (JsonNode route : routes) {
            String method = route.get("method").asText();
            String access = route.get("access").asText();
            for (String certname : route.get("path").asText().contains("{certname}") ? List.of(WEB1, DB1) : List.of(WEB1)) {
                String path = concrete(route.get("path").asText(), certname);
                for (Caller caller : callers) {
                    boolean declared = declares(access, caller, certname);
                    for (Spelling spelling : spellings(method, path)) {
                        RawHttps.Reply reply = call(caller, spelling.method(), spelling.path(), body(method, path));
                        probes++;
                        boolean success = reply.status() >= 200 && reply.status() < 300;
                        if (!declared && success) {
                            breaches.add(caller.name() + " got " + reply.status() + " for " + spelling.method() + " "
                                    + spelling.path() + " (" + access + ")");
                        }
                        boolean toSignIn = reply.status() == 303 && !path.startsWith("/dashboard/log")
                                && reply.headers().getOrDefault("location", "").endsWith("/dashboard/login");
                        if (declared && spelling.path().equals(path) && spelling.method().equals(method)
                                && (reply.status() == 401 || reply.status() == 403 || toSignIn)) {
                            locked.add(caller.name() + " got " + reply.status() + " for " + method + " " + path + ": " + reply.text());
                        }
                        if (caller.name().equals("wrong bearer") && reply.status() != 401) {
                            breaches.add("a wrong bearer token got " + reply.status() + ", not 401, for " + spelling.method() + " "
                                    + spelling.path());
                        }
                    }
                }
            }
        }
        System.out.printf("AuthorizationIT: %d probes over %d routes, %d callers, %d connections%n", probes, routes.size(),
                callers.size(), connections.values().stream().mapToInt(RawHttps::connections).sum());
        assertEquals(List.of(), breaches, "callers a route does not declare got through");
        assertEquals(List.of(), locked, "callers a route declares were refused");
        assertTrue(probes > 5000, probes + " probes");
    }

    /** Whether the route's declared access admits the caller, for a path naming {@code certname}. */
    private static boolean declares(String access, Caller caller, String certname) {
        return switch (access) {
            // a wrong credential is refused wherever it is presented (authentication is proactive):
            // a typo in a token is said at once, never silently taken as anonymous
            case "ANONYMOUS" -> !caller.name().equals("wrong bearer");
            case "NODE_ITSELF" -> caller.name().equals("node " + certname);
            // the probe's site grants no dumps (dump_access): the node itself alone
            case "NODE_OR_GRANTEE" -> caller.name().equals("node " + certname);
            case "ADMIN" -> caller.name().equals("admin token");
            case "ADMIN_OR_SESSION" -> caller.name().equals("admin token") || caller.name().equals("dashboard session");
            default -> false;
        };
    }

    /** The OpenAPI document the master serves lists nothing the route table does not. */
    private void assertEveryDocumentedOperationIsListed(Caller admin, List<JsonNode> routes) throws Exception {
        JsonNode paths = ModelJson.mapper().readTree(call(admin, "GET", "/q/openapi?format=json", null).body()).get("paths");
        Set<String> listed = new TreeSet<>();
        routes.forEach(r -> listed.add(r.get("method").asText() + " " + r.get("path").asText()));
        Set<String> documented = new TreeSet<>();
        paths.fields().forEachRemaining(p -> p.getValue().fieldNames().forEachRemaining(m ->
                documented.add(m.toUpperCase(Locale.ROOT) + " " + p.getKey())));
        documented.removeAll(listed);
        assertEquals(Set.of(), documented, "documented operations missing from the route table");
    }

    /**
     * A path of the template. An artifact's digest is one that is not a digest at all: the node itself
     * then gets past authorization to the method's 400, where any digest would get the 403 its
     * catalog's pins decide (ArtifactRoutesTest and ArtifactsIT test that).
     */
    private static String concrete(String template, String certname) {
        return template.replace("{certname}", certname).replace("{id}", "1").replace("{name}", "production")
                .replace("{sha256}", "not-a-digest").replace("{action}", "promote")
                .replace("{app}", "hello").replace("{upload}", "0".repeat(32)).replace("{index}", "0");
    }

    /** A request line: the method and the path exactly as sent. */
    private record Spelling(String method, String path) {
    }

    /** Every spelling of {@code method path} tried: the plain one first. */
    private static List<Spelling> spellings(String method, String path) {
        List<String> segments = List.of(path.substring(1).split("/"));
        Set<String> paths = new LinkedHashSet<>();
        paths.add(path);
        for (int i = 0; i < segments.size(); i++) {
            String s = segments.get(i);
            for (String variant : List.of(s + ";x", s + ";", s + "%3Bx", s.toUpperCase(Locale.ROOT),
                    "%" + String.format("%02X", (int) s.charAt(0)) + s.substring(1), "./" + s, "x/../" + s, "/" + s)) {
                paths.add(with(segments, i, variant));
            }
            if (i + 1 < segments.size()) {
                for (String slash : List.of("%2F", "%2f")) {
                    List<String> merged = new ArrayList<>(segments);
                    merged.set(i, s + slash + segments.get(i + 1));
                    merged.remove(i + 1);
                    paths.add(join(merged));
                }
            }
        }
        paths.addAll(List.of("/" + path, path + "/", path + "/.", path.toUpperCase(Locale.ROOT)));
        List<Spelling> out = new ArrayList<>();
        paths.forEach(p -> out.add(new Spelling(method, p)));
        if (method.equals("GET")) {
            out.add(new Spelling("HEAD", path));
        }
        return out;
    }

    private static String with(List<String> segments, int i, String replacement) {
        List<String> copy = new ArrayList<>(segments);
        copy.set(i, replacement);
        return join(copy);
    }

    private static String join(List<String> segments) {
        return "/" + String.join("/", segments);
    }

    /** A body the route accepts from its declared caller (so that caller's answer shows it was let in). */
    private byte[] body(String method, String path) throws Exception {
        if (!method.equals("POST") && !method.equals("PUT")) {
            return null;
        }
        if (path.startsWith("/v1/catalogs/")) {
            return Files.readAllBytes(Repo.ROOT.resolve("manifests/facts/web1.example.net.json"));
        }
        if (path.startsWith("/v1/reports/")) {
            return ModelJson.writeBytes(ScriptedReports.unchanged(path.substring("/v1/reports/".length()), Instant.now()));
        }
        if (path.equals("/dashboard/login")) {
            return ("token=" + adminToken).getBytes(StandardCharsets.UTF_8);
        }
        return "not a certificate signing request".getBytes(StandardCharsets.UTF_8);
    }

    private RawHttps.Reply call(Caller caller, String method, String rawPath, byte[] body) throws Exception {
        RawHttps connection = connections.computeIfAbsent(caller.name(), n -> new RawHttps(caller.tls(), "localhost", master.port()));
        Map<String, String> headers = new LinkedHashMap<>(caller.headers());
        if (body != null) {
            headers.put("Content-Type", rawPath.contains("/dashboard/login") ? "application/x-www-form-urlencoded"
                    : rawPath.toLowerCase(Locale.ROOT).contains("/ca/") ? "text/plain" : "application/json");
        }
        return connection.send(method, rawPath, headers, body);
    }

    /** Signs in to the dashboard with the admin token; returns the session cookie's value. */
    private String signIn(Caller anonymous) throws Exception {
        RawHttps.Reply reply = call(anonymous, "POST", "/dashboard/login", ("token=" + master.adminToken()).getBytes(StandardCharsets.UTF_8));
        assertEquals(303, reply.status(), reply.text());
        String cookie = reply.headers().get("set-cookie");
        return cookie.substring(cookie.indexOf('=') + 1, cookie.indexOf(';'));
    }
}
