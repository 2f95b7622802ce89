package io.kraftwerk.agent.state;

import com.fasterxml.jackson.core.type.TypeReference;
import io.kraftwerk.agent.fs.FsOps;
import io.kraftwerk.agent.provider.ProviderException;
import io.kraftwerk.model.json.ModelJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * {@code state.json}: per resource property, the last value the agent knows the system held. It
 * tells drift (the system no longer holds that value: changed behind the agent's back) from a
 * changed catalog (the system still holds it). Written only by enforcing runs, atomically.
 */
public final class StateStore {
    public static final int FORMAT_VERSION = 1;

    /** The file format: a version and the resources by id. */
    record StateFile(int formatVersion, SortedMap<String, ResourceState> resources) {
    }

    private final Path file;
    private final SortedMap<String, ResourceState> resources;

    private StateStore(Path file, SortedMap<String, ResourceState> resources) {
        this.file = file;
        this.resources = resources;
    }

    /**
     * Loads the state; a missing file is an empty state, and so is an unreadable one (reported
     * through {@code warning}): losing drift history must not stop the node from converging.
     */
    public static StateStore load(Path file, Consumer<String> warning) {
        if (!Files.exists(file)) {
            return new StateStore(file, new TreeMap<>());
        }
        try {
            StateFile state = ModelJson.mapper().readValue(file.toFile(), new TypeReference<StateFile>() { });
            if (state.formatVersion() != FORMAT_VERSION || state.resources() == null) {
                warning.accept(file + " has format version " + state.formatVersion() + "; starting with an empty state");
                return new StateStore(file, new TreeMap<>());
            }
            return new StateStore(file, new TreeMap<>(state.resources()));
        } catch (IOException e) {
            warning.accept(file + " cannot be read (" + e.getMessage().lines().findFirst().orElse("")
                    + "); starting with an empty state: this run cannot tell drift from catalog changes");
            return new StateStore(file, new TreeMap<>());
        }
    }

    public ResourceState get(String id) {
        return resources.get(id);
    }

    public void put(String id, ResourceState state) {
        resources.put(id, state);
    }

    /** Forgets resources no longer in the catalog. */
    public void retainOnly(Set<String> ids) {
        resources.keySet().retainAll(ids);
    }

    public Map<String, ResourceState> all() {
        return Collections.unmodifiableMap(resources);
    }

    public void save(FsOps fs) throws IOException, ProviderException {
        Files.createDirectories(file.getParent());
        // the agent's own state: owned by whoever runs it (root as a service, a user for the quick start's noop)
        fs.writeAtomically(file, ModelJson.writeBytes(new StateFile(FORMAT_VERSION, resources)), null, null, "0600");
    }
}
