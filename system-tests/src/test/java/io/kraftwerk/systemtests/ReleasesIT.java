package io.kraftwerk.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kraftwerk.master.compile.CatalogCompiler;
import io.kraftwerk.master.compile.CompileRequest;
import io.kraftwerk.master.compile.SiteParser;
import io.kraftwerk.master.manifest.DirectoryManifests;
import io.kraftwerk.model.catalog.Catalog;
import io.kraftwerk.model.json.ModelJson;
import io.kraftwerk.model.report.ResourceReport;
import io.kraftwerk.model.report.ResourceStatus;
import io.kraftwerk.testkit.DisposableNode;
import io.kraftwerk.testkit.GitRepo;
import io.kraftwerk.testkit.SteadyClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A wsgi_app's releases on one disposable node, as an operator lives them: the first release, an
 * upgrade under a steady client through nginx that must see no failed request, releases that fail
 * (an app answering 500, one that never binds, a requirement that does not exist) while the old one
 * keeps serving, a failed release not rebuilt until asked, rollback and its pin, and how many are kept.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReleasesIT {
    private static final String APP = "wsgi_release[hello]";
    private static final Duration SETTLE = Duration.ofSeconds(30);
    private DisposableNode node;
    private Path manifests;
    private String first;
    private String second;

    @BeforeAll
    void startNode() throws Exception {
        Repo.requireCachedPackages();
        node = DisposableNode.start(Repo.SCRATCH, "app1.example.net", Repo.ROOT);
        manifests = Files.createTempDirectory(Repo.SCRATCH, "releases-site-");
        Files.copy(resource("site.yaml"), manifests.resolve("site.yaml"));
        Files.createDirectories(manifests.resolve("roles"));
        wheel("1.0.0", false);
        wheel("1.1.0", false);
        wheel("1.2.0", true);
    }

    @AfterAll
    void stopNode() throws Exception {
        if (node != null) {
            node.close();
        }
    }

    @Test
    @Order(1)
    void theFirstReleaseIsBuiltBesideNothingAndServes() throws Exception {
        AgentRun run = AgentRun.apply(node, catalog("kwhello==1.0.0", "kwhello.app:application", "Hello"));
        assertEquals(2, run.exitCode(), run.output());
        first = release();
        assertEquals("releases/" + first, Files.readSymbolicLink(node.path("/srv/hello/current")).toString());
        assertTrue(first.matches("[0-9a-f]{12}"), first);
        assertTrue(Files.isDirectory(node.path("/srv/hello/releases/" + first + "/venv")));
        assertTrue(serving().contains("kwhello 1.0.0"), serving());
        assertTrue(status("hello@" + first).startsWith("run:"));
        assertTrue(status("hello.ticker@" + first).startsWith("run:"));
        assertEquals("hello www-data 750\n", node.exec(List.of("stat", "-c", "%U %G %a", "/run/hello")).orThrow().stdout(),
                "only the app and nginx may reach its sockets");
        AgentRun again = AgentRun.apply(node, catalog("kwhello==1.0.0", "kwhello.app:application", "Hello"));
        assertEquals(0, again.exitCode(), again.output());
        assertEquals(ResourceStatus.IN_SYNC, again.resource(APP).status());
    }

    @Test
    @Order(2)
    void anUpgradeUnderASteadyClientFailsNoRequest() throws Exception {
        Catalog upgrade = catalog("kwhello==1.1.0", "kwhello.app:application", "Hello");
        AgentRun noop = AgentRun.apply(node, upgrade, "--noop");
        assertEquals(2, noop.exitCode(), noop.output());
        assertTrue(noop.changes().contains(APP + " requirements kwhello==1.0.0 -> kwhello==1.1.0 noop"), noop.changes().toString());
        assertTrue(noop.changes().stream().anyMatch(c -> c.startsWith(APP + " release " + first + " -> ")), noop.changes().toString());

        AgentRun run;
        String summary;
        try (SteadyClient client = SteadyClient.start(node, "hello.example.net")) { // answering before the upgrade starts
            run = AgentRun.apply(node, upgrade);
            summary = client.stop();
        }
        JsonNode result = ModelJson.mapper().readTree(summary);

        assertEquals(2, run.exitCode(), run.output());
        assertEquals(0, result.get("failed").asInt(), "requests through nginx failed during the switch: " + summary);
        assertTrue(result.get("versions").has("1.0.0") && result.get("versions").has("1.1.0"),
                "the client saw the old release, then the new one: " + summary);
        second = release();
        assertNotEquals(first, second);
        assertTrue(serving().contains("kwhello 1.1.0"));
        assertTrue(status("hello@" + second).startsWith("run:"));
        assertTrue(status("hello.ticker@" + second).startsWith("run:"), "the processes moved with the web process");
        assertFalse(Files.exists(node.path("/etc/service/hello@" + first)), "the old release is stopped");
        assertFalse(Files.exists(node.path("/etc/service/hello.ticker@" + first)), "and its processes with it");
        assertTrue(Files.readString(node.path("/var/log/hello/" + second + ".ticker/current")).contains("ticker of kwhello 1.1.0"));
        assertTrue(Files.isDirectory(node.path("/srv/hello/releases/" + first + "/venv")), "the old release is kept for rollback");
        String listing = node.exec(List.of(Repo.agent(), "releases", "hello")).orThrow().stdout();
        assertTrue(listing.matches("(?s).*" + second + "\\s+live.*" + first + "\\s+previous.*"), listing);
    }

    @Test
    @Order(3)
    void aReleaseAnswering500IsNeverSwitchedToAndNotRebuiltUntilAsked() throws Exception {
        Catalog broken = catalog("kwhello==1.2.0", "kwhello.app:application", "Hello");
        AgentRun run = AgentRun.apply(node, broken);
        assertEquals(4, run.exitCode(), run.output());
        ResourceReport release = run.resource(APP);
        assertEquals(ResourceStatus.FAILED, release.status());
        assertTrue(release.message().matches("(?s)release \\w{12} failed its health check; " + second + " still serving: "
                + "GET /healthz answered 500 \\(expected 200\\):\n  database unreachable.*"), release.message());
        assertTrue(release.message().contains("the last lines of its log"), release.message());
        assertFalse(release.message().contains("s3cret"), "sensitive env values never reach the report");
        String failed = release.message().substring("release ".length(), "release ".length() + 12);
        assertEquals(second, release(), "the old release still serves");
        assertTrue(serving().contains("kwhello 1.1.0"));
        assertFalse(Files.exists(node.path("/srv/hello/releases/" + failed)), "a failed release leaves no files");
        assertFalse(Files.exists(node.path("/etc/service/hello@" + failed)));

        AgentRun again = AgentRun.apply(node, broken);
        assertEquals(4, again.exitCode(), again.output());
        assertTrue(again.resource(APP).message().contains("not built again"), again.resource(APP).message());
        assertTrue(again.report().resources().stream().noneMatch(r -> r.id().equals(APP) && r.message().contains("pip")));

        AgentRun retried = AgentRun.apply(node, broken, "--retry-failed");
        assertEquals(4, retried.exitCode(), retried.output());
        assertTrue(retried.resource(APP).message().contains("failed its health check"), retried.resource(APP).message());
        assertFalse(retried.resource(APP).message().contains("not built again"));
        assertEquals(second, release());
    }

    @Test
    @Order(4)
    void aReleaseThatNeverBindsOrCannotBeBuiltLeavesTheOldOneServing() throws Exception {
        AgentRun unbound = AgentRun.apply(node, catalog("kwhello==1.1.0", "kwhello.nowhere:application", "Hello"));
        assertEquals(4, unbound.exitCode(), unbound.output());
        String message = unbound.resource(APP).message();
        assertTrue(message.contains("failed its health check; " + second + " still serving"), message);
        assertTrue(message.contains("kwhello.nowhere"), "the log's last lines say why: " + message);
        assertEquals(second, release());

        AgentRun missing = AgentRun.apply(node, catalog("kwhello==9.9.9", "kwhello.app:application", "Hello"));
        assertEquals(4, missing.exitCode(), missing.output());
        message = missing.resource(APP).message();
        assertTrue(message.matches("(?s)release \\w{12} failed to build; " + second + " still serving: .*kwhello==9\\.9\\.9.*"), message);
        assertEquals(second, release());
        assertTrue(serving().contains("kwhello 1.1.0"));
    }

    @Test
    @Order(5)
    void aRollbackSwitchesBackThroughTheGateAndPinsUntilTheManifestChanges() throws Exception {
        Catalog current = catalog("kwhello==1.1.0", "kwhello.app:application", "Hello");
        assertEquals(0, AgentRun.apply(node, current).exitCode());

        DisposableNode.Result rollback = node.exec(List.of(Repo.agent(), "rollback", "hello"), Duration.ofMinutes(2));
        assertEquals(0, rollback.exitCode(), rollback.stdout() + rollback.stderr());
        assertEquals(first, release());
        assertTrue(serving().contains("kwhello 1.0.0"));
        assertTrue(status("hello.ticker@" + first).startsWith("run:"));
        assertFalse(Files.exists(node.path("/etc/service/hello@" + second)));
        assertTrue(node.exec(List.of(Repo.agent(), "releases", "hello")).orThrow().stdout().contains("pinned by kw-agent rollback"));

        AgentRun pinned = AgentRun.apply(node, current);
        assertEquals(0, pinned.exitCode(), pinned.output());
        assertEquals(ResourceStatus.AUDIT, pinned.resource(APP).status(), "the pin shows as drift from the manifest");
        assertTrue(pinned.resource(APP).message().startsWith("pinned to release " + first + " by kw-agent rollback"),
                pinned.resource(APP).message());
        // the rollback changed the node behind the last run: drift from what the agent knew (corrective), held by the pin
        assertTrue(pinned.changes().contains(APP + " release " + first + " -> " + second + " corrective audit"), pinned.changes().toString());
        assertEquals(first, release(), "a run leaves the pinned release serving");

        AgentRun changed = AgentRun.apply(node, catalog("kwhello==1.1.0", "kwhello.app:application", "Hello again"));
        assertEquals(2, changed.exitCode(), changed.output());
        String third = release();
        assertNotEquals(first, third);
        assertNotEquals(second, third);
        assertTrue(serving().contains("Hello again"));
        assertFalse(node.exec(List.of(Repo.agent(), "releases", "hello")).orThrow().stdout().contains("pinned"));
        try (Stream<Path> kept = Files.list(node.path("/srv/hello/releases"))) {
            assertEquals(3, kept.count(), "keep: 3 releases, the live one included");
        }
    }

    private Catalog catalog(String requirement, String module, String greeting) throws Exception {
        String role = Files.readString(resource("hello.yaml")).replace("@REQUIREMENT@", requirement).replace("@MODULE@", module)
                .replace("@GREETING@", greeting);
        Files.writeString(manifests.resolve("roles/hello.yaml"), role);
        return CatalogCompiler.compile(SiteParser.parse(DirectoryManifests.load(manifests)),
                new CompileRequest("app1.example.net", null, null));
    }

    /** A wheel of the sample app at a version; {@code unhealthy}: its health check answers 500. */
    private void wheel(String version, boolean unhealthy) throws Exception {
        Path project = Files.createTempDirectory(Repo.SCRATCH, "kwhello-" + version + "-");
        GitRepo.copyTree(Repo.ROOT.resolve("manifests/apps/kwhello"), project);
        replace(project.resolve("pyproject.toml"), "version = \"1.0.0\"", "version = \"" + version + "\"");
        replace(project.resolve("src/kwhello/__init__.py"), "__version__ = \"1.0.0\"", "__version__ = \"" + version + "\"");
        if (unhealthy) {
            replace(project.resolve("src/kwhello/app.py"), "return _respond(start_response, \"200 OK\", \"ok\\n\")",
                    "return _respond(start_response, \"500 Internal Server Error\", \"database unreachable\\n\")");
        }
        Repo.buildWheelhouse(node, "/srv/wheelhouse", project);
    }

    private static void replace(Path file, String from, String to) throws Exception {
        String text = Files.readString(file);
        assertTrue(text.contains(from), file + " has " + from);
        Files.writeString(file, text.replace(from, to));
    }

    private static Path resource(String name) {
        return Path.of("src/test/resources/releases", name);
    }

    private String release() throws Exception {
        return Files.readSymbolicLink(node.path("/srv/hello/current")).getFileName().toString();
    }

    private String serving() throws Exception {
        // nginx reloads asynchronously: until its new workers take over, the default site answers
        return Http.await(node, "hello.example.net", "/", h -> h.status() == 200 && h.body().contains("kwhello"), SETTLE).body();
    }

    private String status(String service) throws Exception {
        return node.exec(List.of("sv", "status", "/etc/service/" + service)).stdout();
    }
}
