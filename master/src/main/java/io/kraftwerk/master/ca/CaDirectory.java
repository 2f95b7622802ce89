package io.kraftwerk.master.ca;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The CA's directory (0700) and how it is written:
 * <pre>
 *   ca_key.pem      the CA's private key (0600)
 *   ca_crt.pem      the CA certificate agents trust
 *   crl.pem         revoked serials, signed, renewed before its next update
 *   inventory.tsv   every certificate ever issued: serial, certname, validity, revocation
 *   master_names    every name the master's own certificates have carried
 *   requests/NAME.pem   certificate signing requests waiting for 'kw-master ca sign'
 *   signed/NAME.pem     the current certificate of each node
 *   ca.lock         held while the CA changes
 *   state-in-database   present when all but the key and certificate are in the masters' database
 *                       (the files above moved to imported-to-database/ when they were taken there)
 * </pre>
 * Files are replaced atomically, keys are 0600 from their first byte, and changes take a lock on
 * {@code ca.lock} (and one within this process), so the CLI and a running master can both use the
 * directory.
 */
final class CaDirectory {
    private static final ReentrantLock IN_PROCESS = new ReentrantLock();

    private final Path dir;

    CaDirectory(Path dir) {
        this.dir = dir;
    }

    /** Creates the directory, readable by its owner only. */
    static CaDirectory create(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        return new CaDirectory(dir);
    }

    Path path() {
        return dir;
    }

    Path caKey() {
        return dir.resolve("ca_key.pem");
    }

    Path caCertificate() {
        return dir.resolve("ca_crt.pem");
    }

    Path crl() {
        return dir.resolve("crl.pem");
    }

    Path request(String certname) {
        return dir.resolve("requests").resolve(certname + ".pem");
    }

    Path signed(String certname) {
        return dir.resolve("signed").resolve(certname + ".pem");
    }

    /** Present when the CA's state is in a database: what it says names that database. */
    Path databaseMarker() {
        return dir.resolve("state-in-database");
    }

    /** @param replace whether to write over a marker already there (the state was just moved: the text is the news) */
    void markInDatabase(String text, boolean replace) throws IOException {
        if (replace || !Files.exists(databaseMarker())) {
            writeAtomically(databaseMarker(), (text + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    private static final List<String> STATE = List.of("inventory.tsv", "master_names", "crl.pem", "requests", "signed");

    /**
     * Whether the marker is from a move into a database that never committed (a crash, a lost
     * connection): the state files are all still here and none were ever moved aside.
     */
    boolean importNeverCommitted() throws IOException {
        boolean stateHere = STATE.stream().anyMatch(name -> Files.exists(dir.resolve(name)));
        try (DirectoryStream<Path> aside = Files.newDirectoryStream(dir, "imported-to-database*")) {
            return stateHere && !aside.iterator().hasNext();
        }
    }

    /**
     * Moves the state files left beside the database marker to {@code imported-to-database/} (or,
     * when that holds some already, {@code imported-to-database-EPOCH/}): kept for an operator to
     * compare, out of the way of anything that would read them as current.
     */
    void moveStateAside(Instant at) throws IOException {
        List<String> left = new ArrayList<>();
        for (String name : STATE) {
            if (Files.exists(dir.resolve(name))) {
                left.add(name);
            }
        }
        if (left.isEmpty()) {
            return;
        }
        Path first = dir.resolve("imported-to-database");
        Path aside = left.stream().anyMatch(name -> Files.exists(first.resolve(name)))
                ? dir.resolve("imported-to-database-" + at.getEpochSecond()) : first;
        Files.createDirectories(aside);
        for (String name : left) {
            try {
                Files.move(dir.resolve(name), aside.resolve(name), StandardCopyOption.ATOMIC_MOVE);
            } catch (NoSuchFileException e) {
                // another master sharing this directory moved it a moment ago
            }
        }
    }

    /** The node's certificate in {@code signed/}, if it has one. */
    Optional<X509Certificate> signedCertificate(String certname) throws IOException, CaException {
        Path file = signed(certname);
        return Files.exists(file) ? Optional.of(Pem.certificate(Files.readString(file))) : Optional.empty();
    }

    /** The pending requests, {@code requests/*.pem}. */
    List<Path> requests() throws IOException {
        return pemFiles("requests");
    }

    /** The nodes' certificates, {@code signed/*.pem}. */
    List<Path> signed() throws IOException {
        return pemFiles("signed");
    }

    private List<Path> pemFiles(String sub) throws IOException {
        Path d = dir.resolve(sub);
        if (!Files.isDirectory(d)) {
            return List.of();
        }
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(d, "*.pem")) {
            s.forEach(out::add);
        }
        return out;
    }

    /** The certname a request or certificate file is for. */
    static String nameOf(Path p) {
        String f = p.getFileName().toString();
        return f.substring(0, f.length() - ".pem".length());
    }

    static void writeAtomically(Path target, byte[] content) throws IOException {
        Files.createDirectories(target.getParent());
        Path temp = target.resolveSibling(".tmp-" + target.getFileName());
        Files.write(temp, content);
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Keys are written 0600 from the first byte. */
    static void writeSecret(Path target, byte[] content) throws IOException {
        Files.createDirectories(target.getParent());
        Path temp = target.resolveSibling(".tmp-" + target.getFileName());
        Files.deleteIfExists(temp);
        Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(temp, content);
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Work that must not interleave with another process or thread changing the CA. */
    interface Locked<T> {
        T run() throws IOException, CaException;
    }

    /** Runs {@code work} holding the CA's lock: this process's, then {@code ca.lock}'s. */
    <T> T locked(Locked<T> work) throws IOException, CaException {
        IN_PROCESS.lock();
        try (FileChannel channel = FileChannel.open(dir.resolve("ca.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = channel.lock()) {
            return work.run();
        } finally {
            IN_PROCESS.unlock();
        }
    }
}
