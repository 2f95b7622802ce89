package io.kraftwerk.agent.provider.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftwerk.agent.provider.Change;
import io.kraftwerk.agent.provider.Desired;
import io.kraftwerk.agent.provider.Diff;
import io.kraftwerk.agent.provider.Observed;
import io.kraftwerk.agent.provider.Property;
import io.kraftwerk.agent.provider.ProviderException;
import io.kraftwerk.agent.provider.RecordingContext;
import io.kraftwerk.agent.provider.runit.RunitSupervisor;
import io.kraftwerk.model.resource.ArtifactRef;
import io.kraftwerk.model.resource.Ensure;
import io.kraftwerk.model.resource.WsgiReleaseResource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a release is (its id, its properties), how pip is called, a failed build, and the pin. */
class WsgiReleaseProviderTest {
    @TempDir
    Path root;

    private static WsgiReleaseResource release(String requirement, Map<String, String> env, List<String> sensitive,
                                               String healthCheck) {
        return new WsgiReleaseResource("hello", Ensure.PRESENT, "/srv/hello", null, true, List.of(requirement), null,
                List.of("/srv/wheelhouse"), List.of(), "kwhello.app:application", null, null, "hello", null, new TreeMap<>(env),
                sensitive, new TreeMap<>(Map.of("worker", List.of("python", "-m", "kwhello.worker"))), healthCheck, 200, null,
                null, null, null, null);
    }

    private WsgiReleaseProvider provider() {
        return new WsgiReleaseProvider(new RunitSupervisor(), root.resolve("var/lib/kraftwerk"));
    }

    @Test
    void theIdChangesWithWhatMakesTheCodeRunAndNotWithTheHealthCheck() {
        ReleaseKey key = new ReleaseKey(root.resolve("key"));
        String id = ReleaseId.of(release("kwhello==1.0.0", Map.of(), List.of(), "/healthz"), key);
        assertTrue(id.matches("[0-9a-f]{12}"), id);
        assertEquals(id, ReleaseId.of(release("kwhello==1.0.0", Map.of(), List.of(), "/healthz"), key), "deterministic");
        assertEquals(id, ReleaseId.of(release("kwhello==1.0.0", Map.of(), List.of(), "/ready"), key), "the gate is not the code");
        assertNotEquals(id, ReleaseId.of(release("kwhello==1.1.0", Map.of(), List.of(), "/healthz"), key));
        assertNotEquals(id, ReleaseId.of(release("kwhello==1.0.0", Map.of("GREETING", "hi"), List.of(), "/healthz"), key));
        assertEquals(id, ReleaseId.of(release("kwhello==1.0.0", Map.of(), List.of(), "/healthz"), new ReleaseKey(root.resolve("other"))),
                "without secrets, every node has the same id for the same release");
    }

    @Test
    void aSecretEntersTheIdOnlyThroughTheNodesKey() {
        ReleaseKey key = new ReleaseKey(root.resolve("key"));
        WsgiReleaseResource a = release("kwhello==1.0.0", Map.of("KEY", "s3cret"), List.of("KEY"), null);
        WsgiReleaseResource b = release("kwhello==1.0.0", Map.of("KEY", "0ther"), List.of("KEY"), null);
        assertNotEquals(ReleaseId.of(a, key), ReleaseId.of(b, key), "a changed secret is a new release");
        assertNotEquals(ReleaseId.of(a, key), ReleaseId.of(a, new ReleaseKey(root.resolve("other"))),
                "another key, another id: the id cannot be used to guess the value offline");
    }

    @Test
    void desiredShowsTheReleaseAndWhatItIsBuiltFromWithSecretsAsSecrets() {
        Desired d = provider().desired(release("kwhello==1.0.0", Map.of("KEY", "s3cret", "GREETING", "hi"), List.of("KEY"), null));
        assertTrue(d.value("release").matches("[0-9a-f]{12}"));
        assertEquals("kwhello==1.0.0", d.value("requirements"));
        assertEquals("worker: python -m kwhello.worker", d.value("processes"));
        assertEquals(Property.Kind.SECRET, d.get("env.KEY").kind());
        assertEquals(Property.Kind.PLAIN, d.get("env.GREETING").kind());
        assertEquals("running", d.value("state"));
    }

    @Test
    void pipGetsTheArtifactsDirectoriesAndNoIndexUnlessOneIsNamed() {
        WsgiReleaseResource r = release("kwhello==1.0.0", Map.of(), List.of(), null);
        assertEquals(List.of("/srv/hello/releases/abc/venv/bin/python", "-m", "pip", "install", "--disable-pip-version-check",
                        "--no-input", "--no-index", "--find-links", "/var/lib/kraftwerk/artifacts/aa", "--find-links", "/srv/wheelhouse",
                        "kwhello==1.0.0"),
                ReleaseBuilder.pipInstall(r, "/srv/hello/releases/abc/venv", List.of("/var/lib/kraftwerk/artifacts/aa"), false));
        assertEquals(List.of("/usr/bin/python3", "-m", "pip", "--python", "/srv/hello/releases/abc/venv/bin/python", "install"),
                ReleaseBuilder.pipInstall(r, "/srv/hello/releases/abc/venv", List.of(), true).subList(0, 6),
                "Debian's pip fills a release made without a pip of its own");
        WsgiReleaseResource indexed = new WsgiReleaseResource("hello", Ensure.PRESENT, "/srv/hello", null, false, List.of("a==1"),
                "https://pypi.example.net/simple", List.of(), List.of(), "a:app", null, null, "hello", null, null, null, null,
                null, null, null, null, null, null, null);
        List<String> argv = ReleaseBuilder.pipInstall(indexed, "/v", List.of(), false);
        assertTrue(argv.containsAll(List.of("--index-url", "https://pypi.example.net/simple")));
        assertFalse(argv.contains("--no-index"));
    }

    @Test
    void aFailedBuildIsRecordedLeavesNothingAndIsNotBuiltAgainUntilItChanges() throws Exception {
        Files.createDirectories(root.resolve("srv/hello"));
        Path python = Files.createDirectories(root.resolve("usr/bin")).resolve("python3");
        Files.writeString(python, "");
        Files.setPosixFilePermissions(python, PosixFilePermissions.fromString("rwxr-xr-x"));
        RecordingContext context = new RecordingContext(root).answer(List.of("/srv/hello/releases"), 0, "", "");
        WsgiReleaseResource r = release("kwhello==9.9.9", Map.of(), List.of(), "/healthz");
        String id = ReleaseId.of(r, new ReleaseKey(root.resolve("unused")));
        context.answer(List.of("/srv/hello/releases/" + id + "/venv/bin/python", "-m", "pip"), 1, "",
                "ERROR: No matching distribution found for kwhello==9.9.9");
        WsgiReleaseProvider provider = provider();
        List<Change> changes = Diff.changes(provider.desired(r), provider.observe(r, context));

        ProviderException failed = assertThrows(ProviderException.class, () -> provider.apply(r, changes, context));
        assertTrue(failed.getMessage().startsWith("release " + id + " failed to build; no release was serving: "), failed.getMessage());
        assertTrue(failed.getMessage().contains("No matching distribution found for kwhello==9.9.9"), failed.getMessage());
        assertTrue(context.commands.contains(List.of("rm", "-rf", "--one-file-system", "--", "/srv/hello/releases/" + id)),
                "the half-built release is removed");

        int before = context.commands.size();
        ProviderException again = assertThrows(ProviderException.class, () -> provider.apply(r, changes, context));
        assertTrue(again.getMessage().contains("not built again"), again.getMessage());
        assertEquals(before, context.commands.size(), "no venv, no pip: the failure is known");
        ReleaseBook book = ReleaseBook.load(root.resolve("var/lib/kraftwerk/releases"), "hello", "/srv/hello");
        assertEquals(ReleaseBook.State.FAILED, book.entry(id).orElseThrow().state());
    }

    @Test
    void aPinHoldsOnlyWhileTheManifestAsksForTheReleaseItWasPinnedAgainst() {
        WsgiReleaseProvider provider = provider();
        WsgiReleaseResource r = release("kwhello==1.1.0", Map.of(), List.of(), null);
        Desired desired = provider.desired(r);
        String manifest = desired.value("release");
        Observed pinned = new Observed().put("ensure", "present").put("release", "0123456789ab")
                .put(WsgiReleaseProvider.PIN, "0123456789ab " + manifest + " 2026-12-07T03:00:00Z");
        String held = provider.heldBecause(r, desired, pinned);
        assertTrue(held.startsWith("pinned to release 0123456789ab by kw-agent rollback at 2026-12-07T03:00:00Z"), held);
        Observed movedOn = new Observed().put("ensure", "present").put("release", "0123456789ab")
                .put(WsgiReleaseProvider.PIN, "0123456789ab ffffffffffff 2026-12-07T03:00:00Z");
        assertNull(provider.heldBecause(r, desired, movedOn), "the manifest asks for another release: the pin no longer holds");
    }

    @Test
    void servicesOfOneAppAreNeverTakenForAnothers() {
        ReleaseLayout hello = new ReleaseLayout("hello", "/srv/hello");
        assertTrue(hello.ownsService("hello@0123456789ab"));
        assertTrue(hello.ownsService("hello.worker@0123456789ab"));
        assertFalse(hello.ownsService("hello-worker@0123456789ab"), "the app hello-worker's");
        assertFalse(hello.ownsService("hello"));
        assertEquals("unix:/srv/hello/current/gunicorn.sock", WsgiReleaseResource.upstream("/srv/hello"));
    }

    @Test
    void withAnIndexThePinnedArtifactsGoInFirstFromTheCacheAlone() {
        WsgiReleaseResource r = new WsgiReleaseResource("hello", Ensure.PRESENT, "/srv/hello", null, false, List.of("kwhello==1.0.0"),
                "https://pypi.example.net/simple", List.of(), List.of(new ArtifactRef("kwhello", "1.0.0", "kwhello-1.0.0-py3-none-any.whl",
                "ab".repeat(32), 10L)), "kwhello.app:application", null, null, "hello", null, null, null, null, null, null, null,
                null, null, null, null);
        assertEquals(List.of("/usr/bin/python3", "-m", "pip", "--python", "/v/bin/python", "install", "--disable-pip-version-check",
                "--no-input", "--no-index", "--no-deps", "--find-links", "/cache/ab", "kwhello==1.0.0"),
                ReleaseBuilder.pinnedInstall(r, "/v", List.of("/cache/ab"), true),
                "an index's file of the same name and version can never win over the pinned bytes");
    }

    @Test
    void artifactsShowInTheSummaryByFileAndDigest() {
        WsgiReleaseResource r = new WsgiReleaseResource("hello", Ensure.PRESENT, "/srv/hello", null, false, List.of("kwhello==1.0.0"),
                null, List.of(), List.of(new ArtifactRef("kwhello", "1.0.0", "kwhello-1.0.0-py3-none-any.whl", "ab".repeat(32), 10L)),
                "kwhello.app:application", null, null, "hello", null, null, null, null, null, null, null, null, null, null, null);
        assertEquals("kwhello-1.0.0-py3-none-any.whl (sha256 abababababab)", WsgiReleaseProvider.summary(r).get("artifacts"));
    }

    @Test
    void aPinTheManifestMovedPastIsDroppedEvenWhenTheLiveReleaseIsInSync() throws Exception {
        WsgiReleaseResource r = new WsgiReleaseResource("hello", Ensure.PRESENT, "/srv/hello", null, true, List.of("kwhello==1.0.0"),
                null, List.of(), List.of(), "kwhello.app:application", null, null, "hello", null, null, null, null, null, null, null,
                null, null, null, null);
        WsgiReleaseProvider provider = provider();
        String id = provider.desired(r).value("release");
        // the manifest went back to the pinned release itself: it serves, in sync, but the pin still names another
        Path releases = Files.createDirectories(root.resolve("srv/hello/releases/" + id));
        Files.createSymbolicLink(root.resolve("srv/hello/current"), Path.of("releases/" + id));
        Files.createDirectories(root.resolve("etc/sv/hello@" + id + "/supervise"));
        Files.writeString(root.resolve("etc/sv/hello@" + id + "/supervise/stat"), "run\n");
        ReleaseBook.Entry live = new ReleaseBook.Entry(id, ReleaseBook.State.LIVE, "2026-12-07T03:00:00Z", "2026-12-07T03:00:00Z",
                null, List.of(), List.of(), WsgiReleaseProvider.gate(r), WsgiReleaseProvider.summary(r));
        Path books = root.resolve("var/lib/kraftwerk/releases");
        RecordingContext context = new RecordingContext(root);
        new ReleaseBook("hello", "/srv/hello", new ReleaseBook.Pin(id, "ffffffffffff", "2026-12-07T03:10:00Z"), List.of(live))
                .save(books, context.fs());

        List<Change> changes = Diff.changes(provider.desired(r), provider.observe(r, context));
        assertEquals(List.of("pin"), changes.stream().map(Change::property).toList());
        assertNull(provider.heldBecause(r, provider.desired(r), provider.observe(r, context)));

        provider.apply(r, changes, context);
        assertNull(ReleaseBook.load(books, "hello", "/srv/hello").pin(), "dropped: it cannot hold again when the manifest returns to ffffffffffff");
        assertEquals(List.of(), context.commands, "nothing restarted for it");
        assertTrue(Files.isDirectory(releases));
    }
}
