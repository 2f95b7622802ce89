package io.kraftwerk.master.artifacts;

import io.kraftwerk.master.compile.composite.ArtifactRequirement;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * The releases that some commit of some environment names with {@code artifact:NAME==VERSION}:
 * what gc must keep. Every commit reachable from every branch counts, since any of them can be
 * served again (a rollback is a revert). Read from the manifests' text, without compiling (that
 * would need every node's facts): a version written literally is that release; a version that is
 * exactly {@code ${data.KEY}} is every value KEY has in any data file or node rule's {@code data:} of
 * the same commit; any other spelling, a value that is itself interpolated, and a data file that
 * does not parse keep every version of the name; a name that is interpolated keeps everything.
 * It may keep too much, never too little.
 */
public final class ReferencedArtifacts {
    private static final Pattern REQUIREMENT = Pattern.compile(
            "artifact:([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)==((?:\\$\\{[^}\\n]*\\}|[A-Za-z0-9.+!_-])+)");
    private static final Pattern DATA_REFERENCE = Pattern.compile("\\$\\{\\s*data\\.([A-Za-z0-9_.-]+)\\s*\\}");

    /**
     * @param releases   {@code name==version} (name normalised) that a commit names
     * @param anyVersion names whose version some commit interpolates beyond reading: every version is kept
     * @param commits    how many commits were read
     * @param everything some commit names an artifact whose name is interpolated: nothing can be removed
     */
    public record References(Set<String> releases, Set<String> anyVersion, int commits, boolean everything) {
        public boolean keeps(StoredArtifact artifact) {
            return everything || anyVersion.contains(artifact.name()) || releases.contains(artifact.name() + "==" + artifact.version());
        }
    }

    /** A requirement whose name is not written out: which store files it names cannot be read from the text. */
    private static final Pattern INTERPOLATED_NAME = Pattern.compile("artifact:\\s*\\$\\{");

    /** One requirement as written: the name and the version text. */
    private record Written(String name, String version) {
    }

    private final Repository repository;
    private final Map<ObjectId, List<Written>> requirementsOfBlob = new HashMap<>();
    private final Map<ObjectId, Object> dataOfBlob = new HashMap<>();

    private ReferencedArtifacts(Repository repository) {
        this.repository = repository;
    }

    public static References in(Repository repository) throws IOException {
        try {
            return new ReferencedArtifacts(repository).walk();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private References walk() throws IOException {
        Set<String> releases = new TreeSet<>();
        Set<String> anyVersion = new TreeSet<>();
        boolean[] everything = {false};
        int commits = 0;
        try (RevWalk walk = new RevWalk(repository)) {
            for (Ref branch : repository.getRefDatabase().getRefsByPrefix(Constants.R_HEADS)) {
                if (branch.getObjectId() != null) {
                    walk.markStart(walk.parseCommit(branch.getObjectId()));
                }
            }
            for (RevCommit commit : walk) {
                commits++;
                everything[0] |= read(commit, releases, anyVersion);
            }
        }
        return new References(Set.copyOf(releases), Set.copyOf(anyVersion), commits, everything[0]);
    }

    /** @return whether the commit names an artifact by an interpolated name (then everything is kept) */
    private boolean read(RevCommit commit, Set<String> releases, Set<String> anyVersion) throws IOException {
        List<Written> written = new ArrayList<>();
        List<Object> data = new ArrayList<>();
        boolean unreadable = false;
        boolean interpolatedName = false;
        try (TreeWalk tree = new TreeWalk(repository)) {
            tree.addTree(commit.getTree());
            tree.setRecursive(true);
            while (tree.next()) {
                String path = tree.getPathString();
                if (tree.getFileMode(0).getObjectType() != Constants.OBJ_BLOB || !(path.endsWith(".yaml") || path.endsWith(".yml"))) {
                    continue;
                }
                ObjectId blob = tree.getObjectId(0);
                written.addAll(requirementsOfBlob.computeIfAbsent(blob, this::requirements));
                interpolatedName |= INTERPOLATED_NAME.matcher(text(blob)).find();
                if (path.startsWith("data/")) {
                    Object parsed = dataOfBlob.computeIfAbsent(blob, this::yaml);
                    unreadable |= parsed == null;
                    data.add(parsed);
                } else if (path.equals("site.yaml")) {
                    // node rules carry data too: each rule's data: is a layer like a data file
                    Object site = dataOfBlob.computeIfAbsent(blob, this::yaml);
                    unreadable |= site == null;
                    if (site instanceof Map<?, ?> map && map.get("nodes") instanceof List<?> rules) {
                        for (Object rule : rules) {
                            if (rule instanceof Map<?, ?> r && r.get("data") instanceof Map<?, ?> ruleData) {
                                data.add(Map.of("data", ruleData));
                            }
                        }
                    }
                }
            }
        }
        for (Written w : written) {
            String name = ArtifactRequirement.normalise(w.name());
            Matcher reference = DATA_REFERENCE.matcher(w.version());
            if (!w.version().contains("${")) {
                releases.add(name + "==" + w.version());
            } else if (reference.matches() && !unreadable) {
                List<String> values = new ArrayList<>();
                data.forEach(d -> lookup(d, "data." + reference.group(1), values));
                if (values.isEmpty() || values.stream().anyMatch(v -> v.contains("${"))) {
                    anyVersion.add(name); // not found, or itself interpolated: every version may be the one
                }
                values.forEach(v -> releases.add(name + "==" + v));
            } else {
                anyVersion.add(name);
            }
        }
        return interpolatedName;
    }

    private List<Written> requirements(ObjectId blob) {
        List<Written> out = new ArrayList<>();
        Matcher m = REQUIREMENT.matcher(text(blob));
        while (m.find()) {
            out.add(new Written(m.group(1), m.group(2)));
        }
        return List.copyOf(out);
    }

    private Object yaml(ObjectId blob) {
        try {
            // every scalar as the text written: 1.10 is a version, not the number 1.1
            LoaderOptions options = new LoaderOptions();
            return new Yaml(new SafeConstructor(options), new Representer(new DumperOptions()), new DumperOptions(), options,
                    new Resolver() {
                        @Override
                        protected void addImplicitResolvers() {
                        }
                    }).load(text(blob));
        } catch (RuntimeException e) {
            return null; // a data file that does not parse gives no values; the names it would pin keep every version
        }
    }

    private String text(ObjectId blob) {
        try {
            return new String(repository.open(blob, Constants.OBJ_BLOB).getBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read blob " + blob.getName() + " of the manifests repository: " + e.getMessage(), e);
        }
    }

    private static void lookup(Object data, String dotted, List<String> values) {
        Object at = data;
        for (String key : dotted.split("\\.")) {
            if (!(at instanceof Map<?, ?> map)) {
                return;
            }
            at = map.get(key);
        }
        if (at != null && !(at instanceof Map<?, ?>) && !(at instanceof List<?>)) {
            values.add(at.toString());
        }
    }
}
