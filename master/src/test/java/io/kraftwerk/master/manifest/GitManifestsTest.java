package io.kraftwerk.master.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftwerk.master.Golden;
import io.kraftwerk.master.compile.CompileRequest;
import io.kraftwerk.master.compile.CatalogCompiler;
import io.kraftwerk.master.compile.SiteParser;
import io.kraftwerk.master.compile.UnresolvedArtifacts;
import io.kraftwerk.model.catalog.Catalog;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitManifestsTest {
    @TempDir
    Path repo;

    @Test
    void readsABranchWithoutACheckoutAndVersionsItByCommit() throws Exception {
        Golden.copyTree(Golden.exampleSite(), repo);
        Files.writeString(repo.resolve(".gitignore"), "*.swp\n");
        RevCommit production;
        try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("production").call()) {
            git.add().addFilepattern(".").call();
            production = git.commit().setMessage("example site").setSign(false).call();
            git.branchCreate().setName("staging").call();
            git.checkout().setName("staging").call();
            Files.writeString(repo.resolve("roles/extra.yaml"), "apiVersion: kraftwerk/v1\nkind: Role\n");
            git.add().addFilepattern(".").call();
            git.commit().setMessage("staging only").setSign(false).call();
        }
        // an uncommitted edit in the work tree must not leak into what git serves
        Files.writeString(repo.resolve("site.yaml"), "broken: [\n");

        ManifestFiles files = GitManifests.load(repo.toFile(), "production");
        assertEquals(production.getName(), files.version());
        assertFalse(files.files().containsKey(".gitignore"), "dot files are not manifests");
        assertFalse(files.files().containsKey("roles/extra.yaml"));
        assertTrue(GitManifests.load(repo.toFile(), "staging").files().containsKey("roles/extra.yaml"));

        // web1's apps come from an artifact store; which one does not matter here
        Catalog fromGit = CatalogCompiler.compile(SiteParser.parse(files),
                new CompileRequest("web1.example.net", null, null, null, new UnresolvedArtifacts(), Golden.exampleSecrets()));
        Catalog fromDirectory = CatalogCompiler.compile(SiteParser.parse(DirectoryManifests.load(Golden.exampleSite())),
                new CompileRequest("web1.example.net", null, null, null, new UnresolvedArtifacts(), Golden.exampleSecrets()));
        assertEquals(production.getName(), fromGit.version());
        assertNotEquals(fromDirectory.version(), fromGit.version());
        assertEquals(fromDirectory.resources(), fromGit.resources());
        assertEquals(fromDirectory.edges(), fromGit.edges());
    }

    @Test
    void anUnknownBranchIsAClearError() throws Exception {
        try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("production").call()) {
            Files.writeString(repo.resolve("site.yaml"), "x: 1\n");
            git.add().addFilepattern(".").call();
            git.commit().setMessage("init").setSign(false).call();
        }
        ManifestException e = assertThrows(ManifestException.class, () -> GitManifests.load(repo.toFile(), "prod"));
        assertEquals(repo + ": no branch, tag or commit named 'prod' (environments are branches: create the branch or"
                + " pick an existing one)", e.getMessage());
    }

    @Test
    void aDirectoryThatIsNoRepositoryIsAClearError() {
        ManifestException e = assertThrows(ManifestException.class, () -> GitManifests.load(repo.toFile(), "main"));
        assertTrue(e.getMessage().startsWith(repo + ": cannot read git repository"), e.getMessage());
    }
}
