package io.kraftwerk.agent.provider;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The one diff of desired against observed state, outside every provider so no provider can get
 * it subtly different. If existence differs, that is the only change (creating or removing a
 * thing sets all its properties); otherwise each managed property that differs is a change.
 */
public final class Diff {
    private Diff() {
    }

    public static List<Change> changes(Desired desired, Observed observed) {
        Property ensure = desired.get(Desired.ENSURE);
        if (ensure != null && ensure.value() != null && !ensure.value().equals(observed.get(Desired.ENSURE))) {
            return List.of(new Change(Desired.ENSURE, observed.get(Desired.ENSURE), ensure.value(), ensure.kind()));
        }
        if (observed.isAbsent()) {
            return List.of(); // absent and meant to be: its other properties do not exist
        }
        List<Change> changes = new ArrayList<>();
        for (Property p : desired.managed()) {
            if (!p.name().equals(Desired.ENSURE) && !Objects.equals(p.value(), observed.get(p.name()))) {
                changes.add(new Change(p.name(), observed.get(p.name()), p.value(), p.kind()));
            }
        }
        return changes;
    }
}
