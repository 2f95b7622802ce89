package io.kraftwerk.agent.provider.release;

import io.kraftwerk.agent.fs.FsOps;
import io.kraftwerk.agent.provider.ProviderException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;

/**
 * The node's key for release ids of apps with sensitive env values: their values enter the id
 * through an HMAC with this key, so an id (shown in reports, on the dashboard, in paths) says
 * nothing about them that could be guessed offline. Made on first need, root-only. Until a run
 * that changes something keeps it, a key lives in memory only, so a noop run writes nothing.
 */
final class ReleaseKey {
    private static final int BYTES = 32;
    private final Path file;
    private byte[] key;
    private boolean kept;

    ReleaseKey(Path file) {
        this.file = file;
    }

    synchronized byte[] get() {
        if (key == null) {
            try {
                if (Files.isRegularFile(file)) {
                    byte[] read = Files.readAllBytes(file);
                    if (read.length == BYTES) {
                        key = read;
                        kept = true;
                        return key;
                    }
                }
            } catch (IOException e) {
                // unreadable: a new key is made (and kept by the next changing run); ids of apps with secrets change once
            }
            key = new byte[BYTES];
            new SecureRandom().nextBytes(key);
        }
        return key;
    }

    /** Keeps the key before anything is built with an id made from it. */
    synchronized void keep(FsOps fs) throws IOException, ProviderException {
        byte[] value = get();
        if (!kept) {
            Files.createDirectories(file.getParent());
            fs.writeAtomically(file, value, null, null, "0600");
            kept = true;
        }
    }
}
