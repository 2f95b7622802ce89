package io.kraftwerk.master.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftwerk.master.Golden;
import io.kraftwerk.model.catalog.Catalog;
import io.kraftwerk.model.json.ModelJson;
import io.kraftwerk.model.resource.WsgiReleaseResource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kw-master artifacts}, and compile and lint against a store, on the example site with its real sample apps. */
class ArtifactsCommandTest extends CliTest {
    @TempDir
    Path tmp;


    @Test
    void theSampleAppsAreBuiltIntoTheStoreAndTheExampleSiteCompilesAgainstIt() throws Exception {
        Path data = tmp.resolve("data");
        Path site = Golden.exampleSite();
        assertEquals(0, run("artifacts", "build", "--data-dir", data.toString(), "--manifests", site.toString(), "apps/kwhello",
                "apps/kwblog"), err.toString());
        assertTrue(out.toString().startsWith("added     kwhello "), out.toString());
        assertTrue(out.toString().contains("added     kwblog "), out.toString());
        try (Stream<Path> files = Files.list(site.resolve("apps/kwhello"))) {
            assertEquals(List.of("README.md", "pyproject.toml", "src"), files.map(p -> p.getFileName().toString()).sorted().toList(),
                    "the build leaves nothing in the manifests");
        }

        assertEquals(0, run("artifacts", "build", "--data-dir", data.toString(), site.resolve("apps/kwhello").toString()), err.toString());
        assertTrue(out.toString().startsWith("unchanged kwhello "), "the same sources give the same bytes: " + out);

        assertEquals(0, run("artifacts", "list", "--data-dir", data.toString()), err.toString());
        List<String> lines = out.toString().lines().toList();
        assertEquals(3, lines.size(), out.toString());
        assertTrue(lines.get(0).startsWith("NAME"), lines.get(0));
        assertTrue(lines.get(1).matches("kwblog +2\\.3\\.1 +kwblog-2\\.3\\.1-py3-none-any\\.whl +[0-9a-f]{12} +[0-9]+ +[0-9-]+ [0-9:]+"),
                lines.get(1));

        assertEquals(0, run("compile", "--manifests", site.toString(), "--node", "web1.example.net", "--artifacts",
                data.resolve("artifacts").toString()), err.toString());
        Catalog catalog = ModelJson.readCatalog(out.toString().getBytes(StandardCharsets.UTF_8), "stdout");
        WsgiReleaseResource hello = catalog.resources().stream().map(r -> r.resource()).filter(WsgiReleaseResource.class::isInstance)
                .map(WsgiReleaseResource.class::cast).filter(r -> r.name().equals("hello")).findFirst().orElseThrow();
        assertEquals(List.of("kwhello==1.0.0"), hello.requirements());
        assertEquals("kwhello-1.0.0-py3-none-any.whl", hello.artifacts().get(0).filename());
        assertEquals(hello.artifacts().get(0).sha256().substring(0, 12), lines.get(2).split(" +")[3], "the digest list shows");
    }

    @Test
    void withoutAStoreCompileSaysHowToGiveOneAndLintChecksSyntaxOnly() {
        String site = Golden.exampleSite().toString();
        assertEquals(KwMaster.EXIT_MANIFEST_ERRORS, run("compile", "--manifests", site, "--node", "web1.example.net"));
        assertTrue(err.toString().startsWith("roles/web.yaml:13:22: wsgi_app[hello]: artifact:kwhello==1.0.0 is not in the artifact"
                + " store (no artifact store was given to resolve it: pass --artifacts DIR (a master's DATA/artifacts))"), err.toString());

        assertEquals(0, run("lint", "--manifests", site), err.toString());
        assertTrue(out.toString().contains("not resolved (no --artifacts DIR given, so only their syntax was checked):"
                + " artifact:kwblog==2.3.1, artifact:kwhello==1.0.0"), out.toString());

        assertEquals(KwMaster.EXIT_MANIFEST_ERRORS, run("lint", "--manifests", site, "--artifacts", tmp.toString()));
        assertTrue(err.toString().contains("artifact:kwhello==1.0.0 is not in the artifact store (add it to the master's artifact"
                + " store with 'kw-master artifacts add FILE' or 'kw-master artifacts build DIR') [app1.example.net, stage1.example.net,"
                + " web1.example.net]"), err.toString());
    }

    @Test
    void gcListsWhatNoCommitNamesAndRemovesItOnlyWhenToldTo() throws Exception {
        Path data = tmp.resolve("data");
        Path repo = tmp.resolve("site");
        Files.createDirectories(repo.resolve("roles"));
        Files.writeString(repo.resolve("roles/web.yaml"), "requirements: [\"artifact:kwhello==1.0.0\"]\n");
        try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("production").call()) {
            git.add().addFilepattern(".").call();
            git.commit().setMessage("site").setAuthor("t", "t@example.net").setCommitter("t", "t@example.net").setSign(false).call();
        }
        Path files = Files.createDirectories(tmp.resolve("files"));
        Files.writeString(files.resolve("kwhello-1.0.0-py3-none-any.whl"), "named by the commit");
        Files.writeString(files.resolve("kwhello-0.9.0-py3-none-any.whl"), "named by none");
        assertEquals(0, run("artifacts", "add", "--data-dir", data.toString(), files.resolve("kwhello-1.0.0-py3-none-any.whl").toString(),
                files.resolve("kwhello-0.9.0-py3-none-any.whl").toString()), err.toString());

        assertEquals(0, run("artifacts", "gc", "--data-dir", data.toString(), "--manifests", repo.toString()), err.toString());
        assertTrue(out.toString().contains("0 files unreferenced; 1 unreferenced but younger than 1d kept"), out.toString());

        assertEquals(0, run("artifacts", "gc", "--data-dir", data.toString(), "--manifests", repo.toString(), "--min-age", "0s"));
        assertTrue(out.toString().startsWith("would remove  kwhello                  0.9.0"), out.toString());
        assertTrue(out.toString().contains("1 files unreferenced; 0 unreferenced but younger than 0s kept (run again with --delete"
                + " to remove them)"), out.toString());

        assertEquals(0, run("artifacts", "gc", "--data-dir", data.toString(), "--manifests", repo.toString(), "--min-age", "0s",
                "--delete"), err.toString());
        assertTrue(out.toString().startsWith("removed       kwhello                  0.9.0"), out.toString());
        assertEquals(0, run("artifacts", "list", "--data-dir", data.toString()));
        assertEquals(2, out.toString().lines().count(), out.toString());
        assertTrue(out.toString().contains("kwhello-1.0.0-py3-none-any.whl"), out.toString());
    }

    @Test
    void aFileThatIsNoWheelIsRefusedWithTheReason() throws Exception {
        Path file = Files.writeString(tmp.resolve("notes.txt"), "x");
        assertEquals(1, run("artifacts", "add", "--data-dir", tmp.resolve("data").toString(), file.toString()));
        assertEquals("kw-master artifacts: 'notes.txt' is not the file name of a wheel (NAME-VERSION-PYTHON-ABI-PLATFORM.whl,"
                + " PEP 427) or a source archive (NAME-VERSION.tar.gz or .zip); keep the name pip wheel or python -m build gave it\n",
                err.toString());
    }
}
