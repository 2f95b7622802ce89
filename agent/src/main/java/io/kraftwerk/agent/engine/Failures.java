package io.kraftwerk.agent.engine;

import io.kraftwerk.agent.provider.ProviderException;

/** Failure messages for reports: a provider's own message, or the exception, said plainly. */
final class Failures {
    private Failures() {
    }

    static String describe(Throwable e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
        if (e instanceof ProviderException || e instanceof io.kraftwerk.agent.fs.PinnedDirectory.Untrusted) {
            return e.getMessage();
        }
        if (e instanceof java.nio.file.AccessDeniedException a) {
            return "permission denied: " + a.getFile() + " (kw-agent runs as root)";
        }
        if (e instanceof java.nio.file.NoSuchFileException n) {
            return "no such file: " + n.getFile();
        }
        if (e instanceof java.io.IOException) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        return e + " (this is a Kraftwerk bug, please report it)";
    }
}
