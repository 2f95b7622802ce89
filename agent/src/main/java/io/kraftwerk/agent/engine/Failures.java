package io.kraftwerk.agent.engine;

import io.kraftwerk.agent.fs.PinnedDirectory;
import io.kraftwerk.agent.provider.ProviderException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/** Failure messages for reports: a provider's own message, or the exception, said plainly. */
final class Failures {
    private Failures() {
    }

    static String describe(Throwable e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
        if (e instanceof ProviderException || e instanceof PinnedDirectory.Untrusted) {
            return e.getMessage();
        }
        if (e instanceof AccessDeniedException a) {
            return "permission denied: " + a.getFile() + " (kw-agent runs as root)";
        }
        if (e instanceof NoSuchFileException n) {
            return "no such file: " + n.getFile();
        }
        if (e instanceof IOException) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        return e + " (this is a Kraftwerk bug, please report it)";
    }
}
