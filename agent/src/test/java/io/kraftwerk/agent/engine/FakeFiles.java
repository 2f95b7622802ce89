package io.kraftwerk.agent.engine;

import io.kraftwerk.agent.provider.Change;
import io.kraftwerk.agent.provider.Desired;
import io.kraftwerk.agent.provider.Observed;
import io.kraftwerk.agent.provider.Provider;
import io.kraftwerk.agent.provider.ProviderContext;
import io.kraftwerk.agent.provider.ProviderException;
import io.kraftwerk.agent.provider.Refreshable;
import io.kraftwerk.model.resource.Ensure;
import io.kraftwerk.model.resource.FileResource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A file provider over an in-memory world, counting what the engine asks of it. */
final class FakeFiles implements Provider<FileResource>, Refreshable<FileResource> {
    final Map<String, String> world = new HashMap<>();
    final Set<String> failing = new HashSet<>();
    final List<String> applied = new ArrayList<>();
    final List<String> refreshed = new ArrayList<>();
    /** Paths whose refresh finds nothing to do (as a guarded command whose guard says done). */
    final Set<String> nothingToRefresh = new HashSet<>();

    @Override
    public Class<FileResource> resourceClass() {
        return FileResource.class;
    }

    @Override
    public Desired desired(FileResource f) {
        return new Desired().ensure(f.ensure() == Ensure.PRESENT ? "present" : "absent").content("content", f.content(), f.sensitive());
    }

    @Override
    public Observed observe(FileResource f, ProviderContext context) {
        String content = world.get(f.path());
        return content == null ? Observed.absent() : new Observed().put("ensure", "present").put("content", content);
    }

    @Override
    public boolean apply(FileResource f, List<Change> changes, ProviderContext context) throws ProviderException {
        applied.add(f.path());
        if (failing.contains(f.path())) {
            throw new ProviderException("disk full writing " + f.path());
        }
        world.put(f.path(), f.content());
        return false;
    }

    @Override
    public String refresh(FileResource f, ProviderContext context) {
        refreshed.add(f.path());
        return nothingToRefresh.contains(f.path()) ? null : "restarted";
    }
}
