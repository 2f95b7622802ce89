package io.kraftwerk.master.serve;

import io.kraftwerk.master.secrets.DecryptingOpener;
import io.kraftwerk.master.secrets.SecretsKeys;
import io.kraftwerk.master.settings.MasterConfig;
import io.kraftwerk.master.settings.MasterPaths;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;

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
        String revision = revision();
        Keyring current = keyring;
        if (current == null || !current.revision().equals(revision)) {
            current = new Keyring(revision, new DecryptingOpener(keys));
            keyring = current;
        }
        return current;
    }

    /**
     * The keys that decrypt, by id: a key added or retired changes it. (Not the directory's change
     * time, whose coarse tick could let a retirement's second step go unseen by a compile between.)
     */
    private String revision() {
        try {
            return String.join(",", keys.ids());
        } catch (IOException e) {
            return "unreadable: " + e.getMessage();
        }
    }
}
