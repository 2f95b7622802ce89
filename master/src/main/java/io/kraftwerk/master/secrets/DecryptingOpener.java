package io.kraftwerk.master.secrets;

import io.kraftwerk.master.compile.SecretOpener;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Opens encrypted values with the master's keys, for the catalogs it serves. An opened value is
 * remembered by its envelope (which no other value has: each is sealed with its own ephemeral key
 * and nonce), so the catalogs of a commit decrypt each value once, not once per node: X25519 costs
 * about 0.1 ms, which 50 values would make 5 ms a compile. The master makes a new opener when its
 * key directory changes (a key rotated in or retired), so nothing opened with a retired key is
 * served from memory.
 */
public final class DecryptingOpener implements SecretOpener {
    /** More distinct values than any site has; past it the memory starts over rather than grow. */
    private static final int REMEMBERED = 100_000;

    private final SecretsKeys keys;
    private final Map<String, Opened> opened = new ConcurrentHashMap<>();
    private final Map<String, Optional<SecretsKey>> byId = new ConcurrentHashMap<>();

    public DecryptingOpener(SecretsKeys keys) {
        this.keys = keys;
    }

    @Override
    public String open(String envelope, String environment) throws Unopenable {
        Opened known = opened.get(envelope);
        if (known != null && (known.environments().isEmpty() || known.environments().contains(environment))) {
            return known.value(); // opened before, and this environment may have it: no need to parse it again
        }
        String id = CheckingOpener.checkedKeyId(envelope, environment);
        String value;
        SecretsKey key = key(id).orElseThrow(() -> new Unopenable("cannot decrypt: the value is encrypted to key " + id
                + ", which this master does not have (" + describeKeys(id) + ")",
                "encrypt it again to the master's key ('kw-master secrets encrypt'), or, if key " + id + " was this master's,"
                        + " restore its file " + id + ".key into the master's DATA/secrets"));
        try {
            value = Envelope.decrypt(envelope, key);
        } catch (SecretsException e) {
            throw new Unopenable("cannot decrypt: " + e.getMessage(), "encrypt the value again; it must be pasted whole and unchanged");
        }
        if (opened.size() >= REMEMBERED) {
            opened.clear();
        }
        try {
            opened.put(envelope, new Opened(value, Envelope.environments(envelope)));
        } catch (SecretsException e) {
            throw new IllegalStateException("a value that opened has no readable environments (this is a Kraftwerk bug)", e);
        }
        return value;
    }

    /** An opened value and the environments it may open in (empty: any). */
    private record Opened(String value, List<String> environments) {
    }

    private Optional<SecretsKey> key(String id) throws Unopenable {
        Optional<SecretsKey> known = byId.get(id);
        if (known != null) {
            return known;
        }
        try {
            Optional<SecretsKey> read = keys.byId(id);
            byId.put(id, read);
            return read;
        } catch (IOException | SecretsException e) {
            throw new Unopenable("cannot decrypt: key " + id + " cannot be read (" + e.getClass().getSimpleName() + ")",
                    "check the master's DATA/secrets and its log");
        }
    }

    private String describeKeys(String wanted) {
        try {
            String current = keys.current().map(SecretsKey::id).orElse("");
            List<String> ids = keys.ids().stream().map(id -> id.equals(current) ? id + " (current)" : id).toList();
            return ids.isEmpty() ? "it has no secrets key yet" : "it has " + String.join(", ", ids)
                    + (keys.retiredIds().contains(wanted) ? "; " + wanted + " was retired" : "");
        } catch (IOException | SecretsException e) {
            return "its keys cannot be read: " + e.getMessage();
        }
    }
}
