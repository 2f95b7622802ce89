package io.kraftwerk.master.artifacts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReferencedArtifactsTest {
    @TempDir
    Path repo;

    private void commit(Git git, String file, String text) throws Exception {
        Files.createDirectories(repo.resolve(file).getParent());
        Files.writeString(repo.resolve(file), text);
        git.add().addFilepattern(".").call();
        git.commit().setMessage(file).setAuthor("t", "t@example.net").setCommitter("t", "t@example.net").setSign(false).call();
    }

    private static StoredArtifact artifact(String name, String version) {
        return new StoredArtifact("0".repeat(64), name + "-" + version + ".tar.gz", name, version, 1, Instant.EPOCH);
    }

    @Test
    void everyCommitOfEveryBranchKeepsWhatItNamesWithVersionsReadFromItsOwnData() throws Exception {
        try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("production").call()) {
            commit(git, "data/roles/web.yaml", "apiVersion: kraftwerk/v1\nkind: Data\ndata:\n  hello: {version: 1.10}\n");
            commit(git, "roles/web.yaml", "resources:\n  wsgi_app:\n    hello:\n"
                    + "      requirements: [\"artifact:kwhello==${data.hello.version}\", \"artifact:Kw_Blog==2.3.1\"]\n");
            // a later commit moves on; the older releases stay referenced by history (a revert serves them again)
            commit(git, "data/roles/web.yaml", "apiVersion: kraftwerk/v1\nkind: Data\ndata:\n  hello: {version: 1.11}\n");
            git.checkout().setCreateBranch(true).setName("staging").call();
            commit(git, "roles/web.yaml", "resources:\n  wsgi_app:\n    hello:\n"
                    + "      requirements: [\"artifact:kwwiki==${facts.wiki_version}\"]\n");
        }
        ReferencedArtifacts.References refs;
        try (Git git = Git.open(repo.toFile())) {
            refs = ReferencedArtifacts.in(git.getRepository());
        }
        assertEquals(4, refs.commits());
        assertEquals(Set.of("kwhello==1.10", "kwhello==1.11", "kw-blog==2.3.1"), refs.releases(), "1.10 read as written, not as 1.1");
        assertEquals(Set.of("kwwiki"), refs.anyVersion(), "a version only a node's facts give: every version is kept");
        assertTrue(refs.keeps(artifact("kwhello", "1.10")));
        assertFalse(refs.keeps(artifact("kwhello", "1.9")));
        assertFalse(refs.keeps(artifact("kwhello", "1.1")));
        assertTrue(refs.keeps(artifact("kwwiki", "0.1")));
    }

    @Test
    void aNodeRulesDataAnInterpolatedValueABrokenDataFileAndAnInterpolatedNameKeepMoreNeverLess() throws Exception {
        try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("production").call()) {
            commit(git, "data/common.yaml", "apiVersion: kraftwerk/v1\nkind: Data\ndata:\n  hello: {version: 1.0}\n"
                    + "  blog: {version: \"${data.blog_release}\"}\n");
            commit(git, "site.yaml", "apiVersion: kraftwerk/v1\nkind: Site\nnodes:\n  - name: web2.example.net\n    roles: [web]\n"
                    + "    data:\n      hello: {version: 1.1}\n");
            commit(git, "roles/web.yaml", "resources:\n  wsgi_app:\n    hello:\n"
                    + "      requirements: [\"artifact:kwhello==${data.hello.version}\", \"artifact:kwblog==${data.blog.version}\"]\n");
        }
        ReferencedArtifacts.References refs;
        try (Git git = Git.open(repo.toFile())) {
            refs = ReferencedArtifacts.in(git.getRepository());
        }
        assertTrue(refs.keeps(artifact("kwhello", "1.0")));
        assertTrue(refs.keeps(artifact("kwhello", "1.1")), "the version a node rule's data gives web2");
        assertFalse(refs.keeps(artifact("kwhello", "0.9")));
        assertTrue(refs.keeps(artifact("kwblog", "7.7")), "a value that is itself interpolated: every version");
        assertFalse(refs.everything());

        try (Git git = Git.open(repo.toFile())) {
            commit(git, "roles/extra.yaml", "resources: {wsgi_app: {x: {requirements: [\"artifact:${data.pkg}==1.0\"]}}}\n");
            refs = ReferencedArtifacts.in(git.getRepository());
        }
        assertTrue(refs.everything(), "an interpolated name could be any artifact");
        assertTrue(refs.keeps(artifact("anything", "0.0.1")));
    }
}
