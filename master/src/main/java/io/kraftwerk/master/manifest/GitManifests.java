package io.kraftwerk.master.manifest;

import java.io.File;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * Loads a manifests tree straight from a git commit (no checkout): the tree of a branch, where a
 * branch is an environment and the commit id is the catalog version.
 */
public final class GitManifests {
    static {
        QuietJGit.install();
    }

    private GitManifests() {
    }

    /**
     * @param repository a repository directory (bare, or a work tree containing {@code .git})
     * @param ref        a branch name, tag or commit id
     */
    public static ManifestFiles load(File repository, String ref) throws ManifestException {
        Location where = Location.ofFile(repository.getPath());
        FileRepositoryBuilder builder = new FileRepositoryBuilder().setMustExist(true);
        File dotGit = new File(repository, Constants.DOT_GIT);
        builder.setGitDir(dotGit.isDirectory() ? dotGit : repository);
        try (Repository repo = builder.build()) {
            ObjectId id = repo.resolve(ref + "^{commit}");
            if (id == null) {
                throw new ManifestException(new Diagnostic(where, "no branch, tag or commit named '" + ref + "'",
                        "environments are branches: create the branch or pick an existing one"));
            }
            return load(repo, id);
        } catch (IOException e) {
            throw new ManifestException(new Diagnostic(where, "cannot read git repository: " + e.getMessage(),
                    "pass the path of a git repository (a work tree or a bare repository)"));
        }
    }

    /** Reads every blob of the commit's tree, with the same limits as a directory load. */
    public static ManifestFiles load(Repository repo, ObjectId commitId) throws IOException, ManifestException {
        Map<String, byte[]> files = new HashMap<>();
        long total = 0;
        try (RevWalk walk = new RevWalk(repo); TreeWalk tree = new TreeWalk(repo)) {
            RevCommit commit = walk.parseCommit(commitId);
            tree.addTree(commit.getTree());
            tree.setRecursive(true);
            while (tree.next()) {
                if (tree.getFileMode(0).getObjectType() != Constants.OBJ_BLOB) {
                    continue; // submodules and the like carry no manifest content
                }
                String path = tree.getPathString();
                if (isHidden(path)) {
                    continue; // same rule as a directory load: dot files are not manifests
                }
                ObjectLoader loader = repo.open(tree.getObjectId(0));
                if (loader.getSize() > DirectoryManifests.MAX_FILE_BYTES) {
                    throw new ManifestException(new Diagnostic(Location.ofFile(path), "file is " + loader.getSize()
                            + " bytes; manifests files are limited to " + DirectoryManifests.MAX_FILE_BYTES,
                            "keep large artifacts out of the manifests repository"));
                }
                total += loader.getSize();
                if (total > DirectoryManifests.MAX_TOTAL_BYTES) {
                    throw new ManifestException(new Diagnostic(Location.ofFile(path), "the manifests tree exceeds "
                            + DirectoryManifests.MAX_TOTAL_BYTES + " bytes", "keep large artifacts out of the manifests"));
                }
                files.put(path, loader.getBytes());
            }
            return new ManifestFiles(commit.getName(), new TreeMap<>(files));
        }
    }

    private static boolean isHidden(String path) {
        for (String segment : path.split("/")) {
            if (segment.startsWith(".")) {
                return true;
            }
        }
        return false;
    }
}
