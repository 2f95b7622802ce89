package io.kraftwerk.agent.engine;

import io.kraftwerk.agent.provider.Batching;
import io.kraftwerk.agent.provider.Change;
import io.kraftwerk.agent.provider.Desired;
import io.kraftwerk.agent.provider.Observed;
import io.kraftwerk.agent.provider.Provider;
import io.kraftwerk.agent.provider.ProviderContext;
import io.kraftwerk.model.resource.PackageResource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A batching package provider over an in-memory set of installed packages. */
final class FakePackages implements Provider<PackageResource>, Batching<PackageResource> {
    final Set<String> installed = new HashSet<>();
    final Set<String> broken = new HashSet<>();
    final List<List<String>> batches = new ArrayList<>();

    @Override
    public Class<PackageResource> resourceClass() {
        return PackageResource.class;
    }

    @Override
    public Desired desired(PackageResource p) {
        return new Desired().ensure("present");
    }

    @Override
    public Observed observe(PackageResource p, ProviderContext context) {
        return installed.contains(p.name()) ? new Observed().put("ensure", "present") : Observed.absent();
    }

    @Override
    public boolean apply(PackageResource p, List<Change> changes, ProviderContext context) {
        throw new AssertionError("batching providers are applied through applyBatch");
    }

    @Override
    public Map<PackageResource, String> applyBatch(Map<PackageResource, List<Change>> changes, ProviderContext context) {
        batches.add(changes.keySet().stream().map(PackageResource::name).toList());
        Map<PackageResource, String> failures = new LinkedHashMap<>();
        for (PackageResource p : changes.keySet()) {
            if (broken.contains(p.name())) {
                failures.put(p, "E: Unable to locate package " + p.name());
            } else {
                installed.add(p.name());
            }
        }
        return failures;
    }
}
