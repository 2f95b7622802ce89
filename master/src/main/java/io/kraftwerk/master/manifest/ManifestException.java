package io.kraftwerk.master.manifest;

import java.util.List;
import java.util.stream.Collectors;

/** Manifests that cannot be loaded or compiled, with every error found. */
public class ManifestException extends Exception {
    private final List<Diagnostic> diagnostics;

    public ManifestException(List<Diagnostic> diagnostics) {
        super(diagnostics.stream().map(Diagnostic::toString).collect(Collectors.joining("\n")));
        this.diagnostics = List.copyOf(diagnostics);
    }

    public ManifestException(Diagnostic diagnostic) {
        this(List.of(diagnostic));
    }

    public List<Diagnostic> diagnostics() {
        return diagnostics;
    }
}
