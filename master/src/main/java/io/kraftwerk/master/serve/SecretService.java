package io.kraftwerk.master.serve;

import io.kraftwerk.master.secrets.DecryptingOpener;
import io.kraftwerk.master.secrets.SecretsKeys;
import io.kraftwerk.master.settings.MasterConfig;
import io.kraftwerk.master.settings.MasterPaths;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The master's secrets keys as compiles use them: one {@link DecryptingOpener} (and its memory of
 * opened values) for as long as the key directory stays as it is. A key rotated in or retired
 * changes the directory, and with it the revision that is part of the catalog cache's key: no
 * catalog made with a retired key is served again.
 */
@ApplicationScoped
public class SecretService {
    @Inject
    MasterConfig config;

    private SecretsKeys keys;
    /** How long after a change the directory is listed again on every request: longer than any timestamp tick. */
    private static final long SETTLE_MILLIS = 2_000;

    private volatile Listing listing;
    private volatile Keyring keyring;

    /** An opener and the revision of the key directory it was made for. */
    public record Keyring(String revision, DecryptingOpener opener) {
    }

    @PostConstruct
    void init() {
        keys = new SecretsKeys(new MasterPaths(config.dataDir()).secrets());
    }

    /** The keyring now: the same one until the key directory changes. */
    public Keyring keyring() {
        // every catalog request asks, 304s included: one stat of the directory, and its listing only
        // when it changed, or changed so lately that a second change could share its timestamp
        BasicFileAttributes directory = attributes();
        String stamp = directory == null ? "none" : directory.lastModifiedTime() + "/" + directory.fileKey();
        Listing seen = listing;
        if (seen == null || !seen.stamp().equals(stamp) || seen.recent()) {
            boolean recent = directory != null && System.currentTimeMillis() - directory.lastModifiedTime().toMillis() < SETTLE_MILLIS;
            seen = new Listing(stamp, ids(), recent);
            listing = seen;
        }
        Keyring current = keyring;
        if (current == null || !current.revision().equals(seen.ids())) {
            current = new Keyring(seen.ids(), new DecryptingOpener(keys));
            keyring = current;
        }
        return current;
    }

    /** The directory's times when its key ids were listed, and whether it had changed just before. */
    private record Listing(String stamp, String ids, boolean recent) {
    }

    private BasicFileAttributes attributes() {
        try {
            return Files.readAttributes(keys.dir(), BasicFileAttributes.class);
        } catch (IOException e) {
            return null;
        }
    }

    /** The revision: the keys that decrypt, by id (a key added or retired changes it). */
    private String ids() {
        try {
            return String.join(",", keys.ids());
        } catch (IOException e) {
            return "unreadable: " + e.getMessage();
        }
    }
}
