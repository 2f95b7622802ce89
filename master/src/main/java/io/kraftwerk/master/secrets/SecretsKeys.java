package io.kraftwerk.master.secrets;


import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;


import java.nio.file.attribute.PosixFileAttributes;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The master's secrets keys on its disk, {@code DATA/secrets} (0700):
 * <pre>
 *   KEYID.key   a private key, base64 (0600)
 *   current     the id of the key new values are encrypted to (0600)
 *   retired/    keys that no longer decrypt (0700), KEYID.key as they were (0600)
 * </pre>
 * Older keys stay beside the current one, so values encrypted to them still decrypt until they
 * are retired. Nothing here is ever served: nodes get decrypted values in their own catalogs only.
 */
public final class SecretsKeys {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String KEY_FILE = "[0-9a-f]{16}\\.key";
    private final Path dir;

    public SecretsKeys(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** The current key; made (with its directory) when there is none yet. */
    public SecretsKey currentOrCreate() throws IOException, SecretsException {
        Optional<SecretsKey> current = current();
        if (current.isPresent()) {
            return current.get();
        }
        return rotate();
    }

    /**
     * A new key becomes the current one; the old ones stay, so what is encrypted to them still
     * opens until they are retired.
     */
    public SecretsKey rotate() throws IOException, SecretsException {
        return keep(SecretsKey.generate(RANDOM));
    }

    /** Keeps a key made elsewhere (its private half) and makes it the current one. */
    public SecretsKey keep(SecretsKey key) throws IOException {
        try (KeyDirectory keys = KeyDirectory.open(dir)) {
            giveToDataDirectoryOwner(keys, null);
            keys.write(key.id() + ".key", (Base64.getEncoder().encodeToString(key.privateBytes()) + "\n").getBytes(StandardCharsets.US_ASCII));
            giveToDataDirectoryOwner(keys, key.id() + ".key");
            keys.write("current", (key.id() + "\n").getBytes(StandardCharsets.US_ASCII));
            giveToDataDirectoryOwner(keys, "current");
        }
        return key;
    }

    /**
     * Gives what root made here (the directory itself for a null name) to the owner of the data
     * directory: the master runs as its own user (the package's {@code kraftwerk}) and must read the
     * keys, while {@code secrets} commands run as root, as they also write an operator's working copy.
     */
    private void giveToDataDirectoryOwner(KeyDirectory keys, String name) throws IOException {
        Path dataDir = dir.toAbsolutePath().getParent();
        PosixFileAttributes owner = Files.readAttributes(dataDir, PosixFileAttributes.class);
        PosixFileAttributes now = keys.attributes(name);
        if (!now.owner().getName().equals("root") || now.owner().equals(owner.owner()) && now.group().equals(owner.group())) {
            return; // made by the owner itself (or another user, who could not give it away)
        }
        try {
            keys.chown(name, owner);
        } catch (IOException e) {
            Path made = name == null ? keys.path() : keys.path().resolve(name);
            throw new IOException("cannot give " + made + " to " + owner.owner().getName() + ", who owns " + dataDir
                    + " (run kw-master secrets as root or as that user): " + e.getMessage(), e);
        }
    }

    /** The key new values are encrypted to, if the master has one. */
    public Optional<SecretsKey> current() throws IOException, SecretsException {
        Path current = dir.resolve("current");
        if (!Files.isRegularFile(current)) {
            return Optional.empty();
        }
        String id = Files.readString(current, StandardCharsets.US_ASCII).strip();
        return Optional.of(byId(id).orElseThrow(() -> new SecretsException(current + " names key " + id
                + ", whose file " + dir.resolve(id + ".key") + " is missing")));
    }

    /** A key by its id, if this master has it. */
    public Optional<SecretsKey> byId(String id) throws IOException, SecretsException {
        if (!id.matches("[0-9a-f]{16}")) {
            return Optional.empty();
        }
        Path file = dir.resolve(id + ".key");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).strip());
        } catch (IllegalArgumentException e) {
            throw new SecretsException(file + " is not a base64 key");
        }
        SecretsKey key = SecretsKey.ofPrivate(bytes);
        if (!key.id().equals(id)) {
            throw new SecretsException(file + " holds key " + key.id() + ", not " + id);
        }
        return Optional.of(key);
    }

    /** The ids of the keys that decrypt, sorted. */
    public List<String> ids() throws IOException {
        return idsIn(dir);
    }

    /** The ids of the retired keys, sorted. */
    public List<String> retiredIds() throws IOException {
        return idsIn(dir.resolve("retired"));
    }

    private static List<String> idsIn(Path dir) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS))
                    .map(f -> f.getFileName().toString()).filter(n -> n.matches(KEY_FILE))
                    .map(n -> n.substring(0, n.length() - ".key".length())).sorted().toList();
        }
    }

    /**
     * A key stops decrypting: its file moves, in one rename, to {@code retired/} (0700), where
     * {@link #byId} does not look. It is kept there, not deleted, so a retirement can be undone by
     * moving it back.
     *
     * @return where the key's file is now
     * @throws SecretsException for the current key (new values are encrypted to it) or a key this store does not have
     */
    public Path retire(String id) throws IOException, SecretsException {
        if (!ids().contains(id)) {
            throw new SecretsException("there is no key " + id + " in " + dir);
        }
        Optional<SecretsKey> current = current();
        if (current.isPresent() && current.get().id().equals(id)) {
            throw new SecretsException("key " + id + " is the current key");
        }
        try (KeyDirectory keys = KeyDirectory.open(dir); KeyDirectory retired = keys.child("retired")) {
            giveToDataDirectoryOwner(retired, null);
            keys.move(id + ".key", retired);
        }
        Path to = dir.resolve("retired").resolve(id + ".key");
        return to;
    }
}
