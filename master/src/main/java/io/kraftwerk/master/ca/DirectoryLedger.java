package io.kraftwerk.master.ca;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The CA's state as files in its directory ({@link CaDirectory} lists them), changed under the
 * directory's lock: one master, or several sharing the directory on a file system with
 * {@code flock}.
 */
final class DirectoryLedger extends CaLedger {
    private final CaDirectory files;

    DirectoryLedger(CaDirectory files) {
        this.files = files;
    }

    @Override
    <T> T change(Work<T> work) throws IOException, CaException {
        return files.locked(work::run);
    }

    @Override
    void adopt(CaDirectory dir, X509Certificate caCertificate, boolean created) throws IOException, CaException {
        Path marker = dir.databaseMarker();
        if (Files.exists(marker)) {
            throw new CaException("the CA's requests, certificates and revocations are kept in a database, not in " + dir.path()
                    + " (" + Files.readString(marker).strip() + "); give the same --database, --database-user and"
                    + " --database-password-file as 'kw-master serve' has");
        }
    }

    @Override
    String describe() {
        return files.path().toString();
    }

    @Override
    Optional<String> request(String certname) throws IOException {
        Path file = files.request(certname);
        return Files.exists(file) ? Optional.of(Files.readString(file)) : Optional.empty();
    }

    @Override
    List<Request> requests() throws IOException {
        List<Request> out = new ArrayList<>();
        for (Path p : files.requests()) {
            out.add(new Request(CaDirectory.nameOf(p), Files.readString(p)));
        }
        return out;
    }

    @Override
    int requestCount() throws IOException {
        return files.requests().size();
    }

    @Override
    void putRequest(String certname, String pem) throws IOException {
        CaDirectory.writeAtomically(files.request(certname), pem.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    boolean removeRequest(String certname) throws IOException {
        return Files.deleteIfExists(files.request(certname));
    }

    @Override
    Optional<X509Certificate> current(String certname) throws IOException, CaException {
        return files.signedCertificate(certname);
    }

    @Override
    List<Current> currents() throws IOException, CaException {
        List<Current> out = new ArrayList<>();
        for (Path p : files.signed()) {
            out.add(new Current(CaDirectory.nameOf(p), Pem.certificate(Files.readString(p))));
        }
        return out;
    }

    @Override
    void issued(String certname, X509Certificate cert) throws IOException, CaException {
        // Not checked against the inventory (a read of every line per signature): 127 random bits do not repeat.
        // The database ledger, where several masters sign at once, has the serial as its key.
        Inventory.append(files.path(), new Inventory.Line(cert.getSerialNumber(), certname, cert.getNotBefore().toInstant(),
                cert.getNotAfter().toInstant(), null));
        CaDirectory.writeAtomically(files.signed(certname), Pem.bytes(cert));
    }

    @Override
    boolean removeCurrent(String certname) throws IOException {
        return Files.deleteIfExists(files.signed(certname));
    }

    @Override
    List<Inventory.Line> inventory() throws IOException {
        return Inventory.read(files.path());
    }

    @Override
    void revokeAll(String certname, Instant at) throws IOException {
        Inventory.markRevoked(files.path(), certname, at);
    }

    @Override
    Set<String> masterNames() throws IOException {
        return MasterNames.read(files.path());
    }

    @Override
    void addMasterNames(Collection<String> names) throws IOException {
        MasterNames.add(files.path(), names);
    }

    @Override
    Optional<String> crl() throws IOException {
        return Files.exists(files.crl()) ? Optional.of(Files.readString(files.crl())) : Optional.empty();
    }

    @Override
    void putCrl(X509CRL crl) throws IOException {
        CaDirectory.writeAtomically(files.crl(), Pem.bytes(crl));
    }

    @Override
    BigInteger nextCrlNumber(Instant now) {
        // one writer at a time under the lock, on one clock (a shared directory's masters should share NTP)
        return BigInteger.valueOf(now.toEpochMilli());
    }

    @Override
    Optional<Inventory.Line> issuedAs(BigInteger serial) throws IOException {
        return inventory().stream().filter(l -> l.serial().equals(serial)).findFirst();
    }

    /** The inventory's modification time: every certificate issued is added to it, every revocation rewrites it. */
    @Override
    Object stamp() throws IOException {
        Path inventory = files.path().resolve("inventory.tsv");
        return Files.exists(inventory) ? Files.getLastModifiedTime(inventory) : FileTime.fromMillis(0);
    }
}
