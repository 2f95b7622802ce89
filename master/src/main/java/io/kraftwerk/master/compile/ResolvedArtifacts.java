package io.kraftwerk.master.compile;

import io.kraftwerk.master.compile.composite.ArtifactRequirement;
import io.kraftwerk.master.compile.composite.WsgiAppSpec;
import io.kraftwerk.master.manifest.Diagnostics;
import io.kraftwerk.master.manifest.Location;
import io.kraftwerk.master.manifest.YList;
import io.kraftwerk.master.manifest.YMap;
import io.kraftwerk.model.resource.ArtifactRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns a {@code wsgi_app}'s {@code artifact:NAME==VERSION} requirements into plain ones and the
 * store's files they pin. A release the store does not have is an error at the requirement.
 */
final class ResolvedArtifacts {
    /** The app with plain requirements only, and the files its artifacts resolved to. */
    record Resolved(WsgiAppSpec app, List<ArtifactRef> refs) {
    }

    private ResolvedArtifacts() {
    }

    /** @return empty when a requirement could not be resolved (the errors are in {@code diagnostics}) */
    static Optional<Resolved> resolve(WsgiAppSpec app, String owner, YMap attributes, Location declared, ArtifactIndex index,
                                      Diagnostics diagnostics) {
        List<String> plain = new ArrayList<>();
        List<ArtifactRef> refs = new ArrayList<>();
        boolean missing = false;
        for (int i = 0; i < app.requirements().size(); i++) {
            String requirement = app.requirements().get(i);
            Optional<ArtifactRequirement> artifact = ArtifactRequirement.parse(requirement);
            if (artifact.isEmpty()) {
                plain.add(requirement);
                continue;
            }
            plain.add(artifact.get().pipRequirement());
            List<ArtifactRef> files = index.files(artifact.get().normalisedName(), artifact.get().version());
            if (files.isEmpty() && index.resolves()) {
                diagnostics.error(where(attributes, i, declared), owner + ": " + artifact.get() + " is not in the artifact store",
                        index.howToAdd());
                missing = true;
            }
            files.stream().filter(f -> !refs.contains(f)).forEach(refs::add);
        }
        return missing ? Optional.empty() : Optional.of(new Resolved(app.withRequirements(plain), List.copyOf(refs)));
    }

    /** The requirement's own line when the list is written out, else the app's. */
    private static Location where(YMap attributes, int index, Location declared) {
        return attributes.get("requirements")
                .filter(YList.class::isInstance).map(YList.class::cast)
                .filter(list -> list.items().size() > index)
                .map(list -> list.items().get(index).location())
                .orElse(declared);
    }
}
