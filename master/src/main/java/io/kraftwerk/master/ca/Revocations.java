package io.kraftwerk.master.ca;

import java.io.IOException;
import java.math.BigInteger;
import java.security.cert.X509CRL;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;

/**
 * Revocation: certificates marked revoked in the inventory, and the CRL that lists them, signed
 * with a next update {@code crlLifetime} ahead and re-signed when a third of that is left.
 * Callers hold the ledger's change around {@link #revokeAll} and {@link #writeCrl}.
 *
 * @param issuer      signs the CRL
 * @param crlLifetime how far ahead a CRL's next update lies
 */
record Revocations(CaLedger ledger, Issuer issuer, Clock clock, Duration crlLifetime) {

    /** Revokes every certificate issued to the certname, now, and publishes the CRL that says so. */
    void revokeAll(String certname) throws IOException, CaException {
        ledger.revokeAll(certname, clock.instant());
        writeCrl();
    }

    X509CRL crl() throws IOException, CaException {
        return Pem.crl(ledger.crl().orElseThrow(() -> new IOException("the CA has no CRL yet (" + ledger.describe() + ")")));
    }

    /** Re-signs the CRL when less than a third of its lifetime is left (checked again under the lock: another master may have). */
    boolean refreshIfDue() throws IOException, CaException {
        if (!due()) {
            return false;
        }
        return ledger.change(() -> {
            if (!due()) {
                return false;
            }
            writeCrl();
            return true;
        });
    }

    private boolean due() throws IOException, CaException {
        Instant next = crl().getNextUpdate().toInstant();
        return Duration.between(clock.instant(), next).compareTo(crlLifetime.dividedBy(3)) <= 0;
    }

    /** Signs and keeps the CRL: every revoked serial of the inventory. */
    void writeCrl() throws IOException, CaException {
        Instant now = clock.instant();
        X509v2CRLBuilder builder = new X509v2CRLBuilder(new X500Name(issuer.caCertificate().getSubjectX500Principal().getName()),
                Date.from(now));
        builder.setNextUpdate(Date.from(now.plus(crlLifetime)));
        for (Inventory.Line line : ledger.inventory()) {
            if (line.revokedAt() != null) {
                builder.addCRLEntry(line.serial(), Date.from(line.revokedAt()), CRLReason.unspecified);
            }
        }
        ledger.putCrl(issuer.signCrl(builder, ledger.nextCrlNumber(now)));
    }

    /** The CRL's number (its cRLNumber extension). */
    static BigInteger number(X509CRL crl) throws IOException {
        byte[] value = crl.getExtensionValue(Extension.cRLNumber.getId());
        if (value == null) {
            throw new IOException("the CRL has no number");
        }
        return ASN1Integer.getInstance(JcaX509ExtensionUtils.parseExtensionValue(value)).getValue();
    }
}
