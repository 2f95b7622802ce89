package io.kraftwerk.master.cli;

import io.kraftwerk.master.manifest.Diagnostic;
import java.io.PrintWriter;
import java.util.List;

/** How commands print manifest errors: one per line, then a count. */
final class Output {
    private Output() {
    }

    /** Warnings go to standard error too, each marked, but change no exit status. */
    static void warnings(PrintWriter err, List<Diagnostic> diagnostics) {
        diagnostics.forEach(d -> err.println("warning: " + d));
        err.flush();
    }

    static void errors(PrintWriter err, List<Diagnostic> diagnostics, String consequence) {
        diagnostics.forEach(d -> err.println(d));
        err.println("kw-master: " + diagnostics.size() + (diagnostics.size() == 1 ? " error" : " errors") + "; " + consequence);
        err.flush();
    }
}
