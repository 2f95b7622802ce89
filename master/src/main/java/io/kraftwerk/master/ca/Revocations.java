package io.kraftwerk.master.ca;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.security.cert.X509CRL;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashSet;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.cert.X509v2CRLBuilder;

/**
 * Revocation: certificates marked revoked in the inventory, and the CRL in {@code crl.pem} that
 * lists them, signed with a next update {@code crlLifetime} ahead and re-signed when a third of
 * that is left. Callers hold the CA's lock around {@link #revokeAll} and {@link #writeCrl}.
 *
 * @param issuer      signs the CRL
 * @param crlLifetime how far ahead a CRL's next update lies
 */
record Revocations(CaDirectory files, Issuer issuer, Clock clock, Duration crlLifetime) {

    /** Whether the certname holds a certificate that is not revoked yet. */
    boolean anyUnrevoked(String certname) throws IOException {
        return Inventory.read(files.path()).stream().anyMatch(l -> l.certname().equals(certname) && l.revokedAt() == null);
    }

    /** Revokes every certificate issued to the certname, now, and publishes the CRL that says so. */
    void revokeAll(String certname) throws IOException, CaException {
        Inventory.markRevoked(files.path(), certname, clock.instant());
        writeCrl();
    }

    Set<BigInteger> revokedSerials() throws IOException {
        Set<BigInteger> out = new HashSet<>();
        for (Inventory.Line line : Inventory.read(files.path())) {
            if (line.revokedAt() != null) {
                out.add(line.serial());
            }
        }
        return out;
    }

    X509CRL crl() throws IOException, CaException {
        return Pem.crl(Files.readString(files.crl()));
    }

    /** Re-signs the CRL when less than a third of its lifetime is left. */
    boolean refreshIfDue() throws IOException, CaException {
        X509CRL crl = crl();
        Instant next = crl.getNextUpdate().toInstant();
        if (Duration.between(clock.instant(), next).compareTo(crlLifetime.dividedBy(3)) > 0) {
            return false;
        }
        files.locked(() -> {
            writeCrl();
            return null;
        });
        return true;
    }

    /** Signs and writes the CRL: every revoked serial of the inventory. */
    void writeCrl() throws IOException, CaException {
        Instant now = clock.instant();
        X509v2CRLBuilder builder = new X509v2CRLBuilder(new X500Name(issuer.caCertificate().getSubjectX500Principal().getName()),
                Date.from(now));
        builder.setNextUpdate(Date.from(now.plus(crlLifetime)));
        for (Inventory.Line line : Inventory.read(files.path())) {
            if (line.revokedAt() != null) {
                builder.addCRLEntry(line.serial(), Date.from(line.revokedAt()), CRLReason.unspecified);
            }
        }
        CaDirectory.writeAtomically(files.crl(), Pem.bytes(issuer.signCrl(builder, now)));
    }
}
