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
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.errors.AmbiguousObjectException;
import org.eclipse.jgit.errors.IncorrectObjectTypeException;
import org.eclipse.jgit.errors.RevisionSyntaxException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
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

    /** A branch or commit id, then any {@code ~N} and {@code ^}: nothing else of git's revision syntax. */
    private static final Pattern REVISION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_./-]{0,199}(~[0-9]{1,4}|\\^)*");

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

    /**
     * The commit a revision names: a branch, a commit id (or a unique prefix of 7 or more digits), with
     * {@code ~N} or {@code ^} after it. Empty when it names none.
     */
    public Optional<ObjectId> resolve(String revision) throws IOException {
        if (revision == null || !REVISION.matcher(revision).matches()) {
            return Optional.empty();
        }
        try {
            ObjectId id = repository.resolve(revision + "^{commit}");
            return Optional.ofNullable(id);
        } catch (RevisionSyntaxException | AmbiguousObjectException | IncorrectObjectTypeException e) {
            return Optional.empty();
        }
    }

    /**
     * Whether {@code descendant} has {@code ancestor} in its history (a commit is its own ancestor);
     * empty when either is not in this repository (not fetched yet, or gone).
     */
    public Optional<Boolean> isAncestor(String ancestor, String descendant) throws IOException {
        try (RevWalk walk = new RevWalk(repository)) {
            ObjectId a = ObjectId.fromString(ancestor);
            ObjectId d = ObjectId.fromString(descendant);
            if (!repository.getObjectDatabase().has(a) || !repository.getObjectDatabase().has(d)) {
                return Optional.empty();
            }
            return Optional.of(walk.isMergedInto(walk.parseCommit(a), walk.parseCommit(d)));
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // not a commit id
        }
    }

    public ManifestFiles files(ObjectId commit) throws IOException, ManifestException {
        return GitManifests.load(repository, commit);
    }

    @Override
    public void close() {
        repository.close();
    }
}
