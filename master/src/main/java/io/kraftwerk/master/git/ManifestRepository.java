package io.kraftwerk.master.git;

import io.kraftwerk.master.manifest.GitManifests;
import io.kraftwerk.master.manifest.ManifestException;
import io.kraftwerk.master.manifest.ManifestFiles;
import io.kraftwerk.master.manifest.QuietJGit;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.RefSpec;

/**
 * The manifests repository: a local repository read in place, or a remote one mirrored (bare)
 * into the master's data directory and fetched on every poll. Branches are environments.
 */
public final class ManifestRepository implements AutoCloseable {
    static {
        QuietJGit.install();
    }

    private final Repository repository;
    private final boolean remote;

    private ManifestRepository(Repository repository, boolean remote) {
        this.repository = repository;
        this.remote = remote;
    }

    public static ManifestRepository open(String location, Path mirror) throws IOException {
        File local = new File(location);
        if (local.isDirectory()) {
            File dotGit = new File(local, Constants.DOT_GIT);
            return new ManifestRepository(new FileRepositoryBuilder().setMustExist(true)
                    .setGitDir(dotGit.isDirectory() ? dotGit : local).build(), false);
        }
        if (!Files.exists(mirror)) {
            try {
                Git.cloneRepository().setURI(location).setDirectory(mirror.toFile()).setMirror(true).call().close();
            } catch (GitAPIException e) {
                throw new IOException("cannot clone " + location + ": " + e.getMessage(), e);
            }
        }
        return new ManifestRepository(new FileRepositoryBuilder().setGitDir(mirror.toFile()).setMustExist(true).build(), true);
    }

    /** Branch name → head commit, after fetching when the repository is remote. */
    public Map<String, ObjectId> branches() throws IOException {
        if (remote) {
            try (Git git = new Git(repository)) {
                git.fetch().setRemoveDeletedRefs(true).setRefSpecs(new RefSpec("+refs/heads/*:refs/heads/*")).call();
            } catch (GitAPIException e) {
                throw new IOException("cannot fetch the manifests: " + e.getMessage(), e);
            }
        }
        Map<String, ObjectId> out = new TreeMap<>();
        for (Ref ref : repository.getRefDatabase().getRefsByPrefix(Constants.R_HEADS)) {
            ObjectId id = ref.getObjectId();
            if (id != null) {
                out.put(ref.getName().substring(Constants.R_HEADS.length()), id);
            }
        }
        return out;
    }

    public ManifestFiles files(ObjectId commit) throws IOException, ManifestException {
        return GitManifests.load(repository, commit);
    }

    @Override
    public void close() {
        repository.close();
    }
}
