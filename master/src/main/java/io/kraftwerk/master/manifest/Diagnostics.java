package io.kraftwerk.master.manifest;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** Collects every error of a load or compile so all of them are reported in one pass. */
public final class Diagnostics {
    private final List<Diagnostic> errors = new ArrayList<>();

    public void error(Location location, String message, String hint) {
        errors.add(new Diagnostic(location, message, hint));
    }

    public void error(Location location, String message) {
        error(location, message, null);
    }

    public void addAll(Diagnostics other) {
        errors.addAll(other.errors);
    }

    public void addAll(List<Diagnostic> other) {
        errors.addAll(other);
    }

    public boolean hasErrors() {
        return !errors.isEmpty();
    }

    public int count() {
        return errors.size();
    }

    /** Sorted by file, line and column, duplicates removed: stable output whatever the walk order. */
    public List<Diagnostic> sorted() {
        return List.copyOf(new TreeSet<>(errors));
    }
}
