package io.kraftwerk.agent.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftwerk.agent.exec.CommandRunner;
import io.kraftwerk.agent.provider.ProviderRegistry;
import io.kraftwerk.agent.report.HumanOutput;
import io.kraftwerk.agent.state.StateStore;
import io.kraftwerk.model.catalog.Catalog;
import io.kraftwerk.model.catalog.CatalogResource;
import io.kraftwerk.model.catalog.Edge;
import io.kraftwerk.model.catalog.EdgeKind;
import io.kraftwerk.model.catalog.Provenance;
import io.kraftwerk.model.json.ModelJson;
import io.kraftwerk.model.report.CatalogSource;
import io.kraftwerk.model.report.Event;
import io.kraftwerk.model.report.EventStatus;
import io.kraftwerk.model.report.Report;
import io.kraftwerk.model.report.ResourceReport;
import io.kraftwerk.model.report.ResourceStatus;
import io.kraftwerk.model.report.RunStatus;
import io.kraftwerk.model.resource.FileResource;
import io.kraftwerk.model.resource.PackageResource;
import io.kraftwerk.model.resource.Resource;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineTest {
    @TempDir
    Path dir;

    private final FakeFiles files = new FakeFiles();
    private final FakePackages packages = new FakePackages();
    private final ByteArrayOutputStream human = new ByteArrayOutputStream();

    private Report run(Catalog catalog, boolean noop) {
        CommandRunner none = (argv, env, stdin) -> {
            throw new AssertionError("no commands expected: " + argv);
        };
        AgentContext context = new AgentContext(none, dir, dir.resolve("backup"), Clock.systemUTC(), Duration.ofSeconds(5));
        StateStore state = StateStore.load(dir.resolve("state.json"), w -> { });
        HumanOutput output = new HumanOutput(new PrintStream(human, true, StandardCharsets.UTF_8), false);
        Engine engine = new Engine(new ProviderRegistry(List.of(files, packages)), context, state, output);
        Report report = engine.run(catalog, new RunOptions(noop, CatalogSource.FILE, ""));
        output.summary(report);
        return report;
    }

    @Test
    void noopPlansEverythingAndAppliesNothing() {
        Catalog catalog = catalog(List.of(file("/a", "A"), pkg("curl")), List.of());
        Report report = run(catalog, true);
        assertEquals(List.of(), files.applied);
        assertEquals(List.of(), packages.batches);
        assertEquals(List.of(ResourceStatus.PENDING, ResourceStatus.PENDING), statuses(report));
        assertTrue(report.noopPending());
        assertEquals(2, Engine.exitCode(report));
        assertFalse(Files.exists(dir.resolve("state.json")), "noop never writes the state");
    }

    @Test
    void enforcingConvergesAndTheNextRunHasNothingToDo() {
        Catalog catalog = catalog(List.of(file("/a", "A"), pkg("curl")), List.of());
        Report first = run(catalog, false);
        assertEquals(2, Engine.exitCode(first));
        assertEquals(RunStatus.CHANGED, first.status());
        Report second = run(catalog, false);
        assertEquals(0, Engine.exitCode(second));
        assertEquals(List.of(ResourceStatus.IN_SYNC, ResourceStatus.IN_SYNC), statuses(second));
        assertEquals(List.of("/a"), files.applied);
    }

    @Test
    void aFailureSkipsItsDependentsAndTheRestGoesOn() {
        files.failing.add("/a");
        Catalog catalog = catalog(List.of(file("/a", "A"), file("/b", "B"), file("/c", "C")),
                List.of(edge("file[/a]", "file[/b]", EdgeKind.ORDER)));
        Report report = run(catalog, false);
        assertEquals(List.of(ResourceStatus.FAILED, ResourceStatus.SKIPPED, ResourceStatus.CHANGED), statuses(report));
        assertEquals("disk full writing /a", report.resources().get(0).message());
        assertEquals("skipped: it depends on file[/a], which failed", report.resources().get(1).message());
        assertEquals(List.of("/a", "/c"), files.applied);
        assertEquals(6, Engine.exitCode(report));
        assertEquals(RunStatus.FAILED, report.status());
    }

    @Test
    void notificationsRefreshOnceAndOnlyWhenTheSourceChanged() {
        Catalog catalog = catalog(List.of(file("/etc/one", "1"), file("/etc/two", "2"), file("/svc", "s")),
                List.of(edge("file[/etc/one]", "file[/svc]", EdgeKind.NOTIFY), edge("file[/etc/two]", "file[/svc]", EdgeKind.NOTIFY)));
        files.world.put("/svc", "s");
        Report report = run(catalog, false);
        assertEquals(List.of("/svc"), files.refreshed);
        Event refresh = report.resources().get(2).events().get(0);
        assertEquals("restarted (notified by file[/etc/one], file[/etc/two])", refresh.message());
        assertEquals(ResourceStatus.CHANGED, report.resources().get(2).status());

        files.refreshed.clear();
        run(catalog, false);
        assertEquals(List.of(), files.refreshed, "nothing changed, nothing to refresh");

        files.world.put("/etc/one", "edited");
        Report noop = run(catalog, true);
        assertEquals(List.of(), files.refreshed);
        assertEquals("would refresh (notified by file[/etc/one])", noop.resources().get(2).events().get(0).message());
    }

    @Test
    void aRefreshWithNothingToDoIsNoChangeAndNotifiesNothingFurther() {
        Catalog catalog = catalog(List.of(file("/etc/one", "1"), file("/cmd", "c"), file("/svc", "s")),
                List.of(edge("file[/etc/one]", "file[/cmd]", EdgeKind.NOTIFY), edge("file[/cmd]", "file[/svc]", EdgeKind.NOTIFY)));
        files.world.put("/cmd", "c");
        files.world.put("/svc", "s");
        files.nothingToRefresh.add("/cmd");
        Report report = run(catalog, false);
        assertEquals(List.of("/cmd"), files.refreshed, "asked once, and /svc is not notified by a refresh that did nothing");
        assertEquals(List.of(ResourceStatus.CHANGED, ResourceStatus.IN_SYNC, ResourceStatus.IN_SYNC), statuses(report));
        assertEquals(List.of(), report.resources().get(1).events());
    }

    @Test
    void auditResourcesReportDriftAndAreNeverChanged() {
        files.world.put("/etc/hosts", "edited by hand");
        CatalogResource audited = CatalogResource.of(new FileResource("/etc/hosts", null, "managed", null, null, null, false),
                true, List.of(), where());
        Report report = run(new Catalog(1, "n1.example.net", "production", "v1", List.of(audited), List.of()), false);
        assertEquals(List.of(ResourceStatus.AUDIT), statuses(report));
        assertEquals(EventStatus.AUDIT, report.resources().get(0).events().get(0).status());
        assertEquals(List.of(), files.applied);
        assertEquals(0, Engine.exitCode(report), "audit drift is reported, not a change");
    }

    @Test
    void driftIsCorrectiveAndACatalogChangeIsIntentional() {
        run(catalog(List.of(file("/a", "v1")), List.of()), false);
        files.world.put("/a", "edited by hand");
        Report drift = run(catalog(List.of(file("/a", "v1")), List.of()), true);
        assertTrue(drift.resources().get(0).events().get(0).corrective(), "changed behind the agent's back");
        assertTrue(drift.correctiveChange());

        files.world.put("/a", "v1");
        Report catalogChange = run(catalog(List.of(file("/a", "v2")), List.of()), false);
        assertFalse(catalogChange.resources().get(0).events().get(0).corrective(), "the system still held what was known");
        assertFalse(catalogChange.correctiveChange());

        files.world.put("/a", "edited by hand");
        Report both = run(catalog(List.of(file("/a", "v3")), List.of()), false);
        assertFalse(both.resources().get(0).events().get(0).corrective(), "the catalog asks for something new: its change, whatever the"
                + " system held meanwhile (a value the provider cannot name, like a password's verifier, is all it can see)");
    }

    @Test
    void aResourceRepairedRunAfterRunBecomesAnIdempotencySuspect() {
        Catalog catalog = catalog(List.of(file("/fought-over", "ours")), List.of());
        run(catalog, false);
        List<Boolean> suspect = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            files.world.put("/fought-over", "theirs"); // another tool changes it back after every run
            Report r = run(catalog, false);
            assertTrue(r.resources().get(0).corrective());
            suspect.add(r.resources().get(0).idempotencySuspect());
        }
        assertEquals(List.of(false, false, true), suspect);
        assertTrue(human.toString(StandardCharsets.UTF_8).contains("needed a corrective change on several runs in a row"));
        assertFalse(run(catalog, false).resources().get(0).idempotencySuspect(), "a quiet run resets the streak");
    }

    @Test
    void readyPackagesAreInstalledInOneBatchAndFailuresAreAttributed() {
        packages.broken.add("nosuch");
        Catalog catalog = catalog(List.of(pkg("nginx"), file("/etc/x", "x"), pkg("runit"), pkg("nosuch"), pkg("late")),
                List.of(edge("file[/etc/x]", "package[late]", EdgeKind.ORDER)));
        Report report = run(catalog, false);
        assertEquals(List.of(List.of("nginx", "runit", "nosuch"), List.of("late")), packages.batches,
                "package[late] waits for file[/etc/x]; the others go together");
        assertEquals(List.of(ResourceStatus.CHANGED, ResourceStatus.CHANGED, ResourceStatus.CHANGED, ResourceStatus.FAILED,
                ResourceStatus.CHANGED), statuses(report));
        assertEquals("E: Unable to locate package nosuch", report.resources().get(3).message());
    }

    @Test
    void secretsNeverReachTheReportTheLogOrTheOutput() throws Exception {
        files.world.put("/etc/token", "old-secret-value");
        CatalogResource secret = CatalogResource.of(new FileResource("/etc/token", null, "new-secret-value", null, null, null, true),
                false, List.of(), where());
        Report report = run(new Catalog(1, "n1.example.net", "production", "v1", List.of(secret), List.of()), false);
        String everything = ModelJson.write(report) + human.toString(StandardCharsets.UTF_8)
                + Files.readString(dir.resolve("state.json"));
        assertFalse(everything.contains("secret-value"), everything);
        Event e = report.resources().get(0).events().get(0);
        assertEquals("[sensitive]", e.previous());
        assertEquals("[sensitive]", e.desired());
        assertEquals(null, e.diff());
    }

    @Test
    void fileContentChangesCarryAUnifiedDiff() {
        files.world.put("/etc/motd", "hello\nworld\n");
        Report report = run(catalog(List.of(file("/etc/motd", "hello\nthere\n")), List.of()), false);
        String diff = report.resources().get(0).events().get(0).diff();
        assertTrue(diff.contains("-world\n+there\n"), diff);
        assertTrue(human.toString(StandardCharsets.UTF_8).contains("    -world"), human.toString(StandardCharsets.UTF_8));
    }

    private static List<ResourceStatus> statuses(Report report) {
        return report.resources().stream().map(ResourceReport::status).toList();
    }

    private static Catalog catalog(List<Resource> resources, List<Edge> edges) {
        List<CatalogResource> out = resources.stream().map(r -> CatalogResource.of(r, false, List.of(), where())).toList();
        return new Catalog(1, "n1.example.net", "production", "v1", out, edges);
    }

    private static FileResource file(String path, String content) {
        return new FileResource(path, null, content, null, null, null, false);
    }

    private static PackageResource pkg(String name) {
        return new PackageResource(name, null, null);
    }

    private static Edge edge(String from, String to, EdgeKind kind) {
        return new Edge(from, to, kind, "test");
    }

    private static Provenance where() {
        return new Provenance("roles/test.yaml", 1, 1, "test", null);
    }
}
