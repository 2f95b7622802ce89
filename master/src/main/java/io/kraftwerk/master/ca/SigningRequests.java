package io.kraftwerk.master.ca;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/**
 * Certificate signing requests: checked when they arrive, kept in the ledger until an
 * operator (or the autosign policy) signs them or they are cleaned. Callers hold the CA's lock
 * around anything that changes the ledger.
 */
final class SigningRequests {
    /** A signing request as the CA checked it. */
    record Checked(PKCS10CertificationRequest csr, String token, Map<String, String> trusted, String keyFingerprint) {
    }

    private final CaLedger ledger;

    SigningRequests(CaLedger ledger) {
        this.ledger = ledger;
    }

    /** Checks the request is well signed, for this certname, with an acceptable key and readable trusted facts. */
    static Checked check(String certname, PKCS10CertificationRequest csr) throws CaException {
        try {
            if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().setProvider(Pem.bc()).build(csr.getSubjectPublicKeyInfo()))) {
                throw new CaException("the request's signature does not verify");
            }
        } catch (OperatorCreationException | PKCSException e) {
            throw new CaException("the request's signature cannot be checked: " + e.getMessage());
        }
        RDN[] cns = csr.getSubject().getRDNs(BCStyle.CN);
        String cn = cns.length == 1 ? IETFUtils.valueToString(cns[0].getFirst().getValue()) : null;
        if (!certname.equals(cn)) {
            throw new CaException("the request is for CN=" + cn + ", not " + certname);
        }
        try {
            PublicKey key = new JcaPKCS10CertificationRequest(csr).setProvider(Pem.bc()).getPublicKey();
            boolean strong = key instanceof ECPublicKey ec ? ec.getParams().getCurve().getField().getFieldSize() >= 256
                    : key instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() >= 2048;
            if (!strong) {
                throw new CaException("the request's key is too weak: use ECDSA P-256 or better, or RSA of 2048 bits or more");
            }
        } catch (GeneralSecurityException e) {
            throw new CaException("the request's public key is unreadable: " + e.getMessage());
        }
        var attributes = csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_challengePassword);
        String token = null;
        if (attributes.length > 0) {
            ASN1Encodable value = attributes[0].getAttrValues().getObjectAt(0);
            token = value instanceof DERUTF8String s ? s.getString() : value instanceof DERPrintableString p ? p.getString()
                    : value.toString();
        }
        return new Checked(csr, token, TrustedFactsExtension.requested(csr), keyFingerprint(csr));
    }

    /** The fingerprint operators compare: SHA-256 of the request's public key (SubjectPublicKeyInfo). */
    static String keyFingerprint(PKCS10CertificationRequest csr) throws CaException {
        try {
            return Fingerprints.of(csr.getSubjectPublicKeyInfo().getEncoded());
        } catch (IOException e) {
            throw new CaException("the request's public key cannot be encoded: " + e.getMessage());
        }
    }

    /**
     * Whether {@code certname} has a pending request already, for the same key (sent again);
     * refused when it is for another key.
     */
    boolean requireSameKey(String certname, Checked request) throws IOException, CaException {
        Optional<String> pending = ledger.request(certname);
        if (pending.isEmpty()) {
            return false;
        }
        String pendingKey = keyFingerprint(Pem.request(pending.get()));
        if (!pendingKey.equals(request.keyFingerprint())) {
            throw new CaException.Refused(CaException.Kind.CONFLICT, certname + " already has a pending request for"
                    + " another key (" + pendingKey + "); if that request is not the node's, an operator clears it with"
                    + " 'kw-master ca clean " + certname + "'");
        }
        return true;
    }

    /**
     * Keeps the request until an operator signs it, unless it is a new one and {@code maxPending}
     * requests are waiting already. The same key again ({@code waiting}) replaces its request.
     */
    void keep(String certname, Checked request, int maxPending, boolean waiting) throws IOException, CaException {
        if (!waiting && ledger.requestCount() >= maxPending) {
            throw new CaException.Refused(CaException.Kind.FULL, "the CA holds " + maxPending + " pending requests, as many as"
                    + " it takes; try again later (operators: sign or clean them, or raise kraftwerk.master.max-pending-requests)");
        }
        ledger.putRequest(certname, Pem.write(request.csr()));
    }

    /**
     * The pending request of {@code certname}, to be signed. With {@code fingerprint}, only if its
     * key has that fingerprint (what the agent printed), so that the request signed is the one
     * the operator checked.
     */
    PKCS10CertificationRequest toSign(String certname, String fingerprint) throws IOException, CaException {
        if (!pending(certname)) {
            throw new CaException("no pending request for " + certname + " (see 'kw-master ca list')");
        }
        PKCS10CertificationRequest csr = read(certname);
        if (fingerprint != null && !Fingerprints.same(fingerprint, keyFingerprint(csr))) {
            throw new CaException("the pending request of " + certname + " is for key " + keyFingerprint(csr) + ", not "
                    + fingerprint + "; it was not signed (if it is not the node's request, run 'kw-master ca clean "
                    + certname + "' and have the node bootstrap again)");
        }
        return csr;
    }

    boolean pending(String certname) throws IOException {
        return ledger.request(certname).isPresent();
    }

    /** The key fingerprint of the pending request of {@code certname}, if it has one. */
    Optional<String> pendingKey(String certname) throws IOException, CaException {
        Optional<String> pem = ledger.request(certname);
        return pem.isEmpty() ? Optional.empty() : Optional.of(keyFingerprint(Pem.request(pem.get())));
    }

    PKCS10CertificationRequest read(String certname) throws IOException, CaException {
        return Pem.request(ledger.request(certname).orElseThrow(() -> new CaException("no pending request for " + certname)));
    }
}
