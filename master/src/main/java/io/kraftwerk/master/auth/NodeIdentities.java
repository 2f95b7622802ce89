package io.kraftwerk.master.auth;

import io.kraftwerk.master.ca.CaException;
import io.kraftwerk.master.ca.TrustedFactsExtension;
import io.kraftwerk.master.serve.CaService;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.Map;
import javax.net.ssl.SSLSession;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/**
 * The identity of a node: the node its client certificate's CN names (the chain already checked by
 * TLS against this CA), with the trusted facts of the certificate, unless the certificate is
 * revoked or out of its validity, which is recorded as a {@link Refusal}.
 *
 * <p>It is made once per TLS session (an agent keeps its connection for a whole run) and kept on
 * the session; validity and revocation are checked again on every request, so a revocation takes
 * effect on the next request of a kept-alive connection.
 */
@ApplicationScoped
public class NodeIdentities {
    private static final String SESSION_IDENTITY = "kraftwerk.node-identity";

    /** A node identity kept on the TLS session it was made for, with the certificate it was made from. */
    private record SessionIdentity(X509Certificate certificate, SecurityIdentity identity) {
    }

    @Inject
    CaService ca;

    /** The identity of the node that presented {@code cert} on the TLS session {@code tls} (which may be null). */
    SecurityIdentity of(X509Certificate cert, SSLSession tls) {
        if (tls != null && tls.getValue(SESSION_IDENTITY) instanceof SessionIdentity kept && kept.certificate().equals(cert)) {
            SecurityIdentity refusal = stillValid(kept.identity().getPrincipal().getName(), cert);
            return refusal != null ? refusal : kept.identity();
        }
        SecurityIdentity made = made(cert);
        if (tls != null && Refusal.of(made) == null) {
            tls.putValue(SESSION_IDENTITY, new SessionIdentity(cert, made));
        }
        return made;
    }

    private SecurityIdentity made(X509Certificate cert) {
        var cns = new X500Name(cert.getSubjectX500Principal().getName()).getRDNs(BCStyle.CN);
        if (cns.length != 1) {
            return refused("(no name)", 403, "the client certificate has no single CN");
        }
        String certname = IETFUtils.valueToString(cns[0].getFirst().getValue());
        SecurityIdentity refusal = stillValid(certname, cert);
        if (refusal != null) {
            return refusal;
        }
        Map<String, String> trusted;
        try {
            trusted = TrustedFactsExtension.of(cert);
        } catch (CaException e) {
            return refused(certname, 403, e.getMessage());
        }
        return QuarkusSecurityIdentity.builder().setPrincipal(new QuarkusPrincipal(certname)).addRole(Callers.NODE)
                .addAttribute(TrustedIdentity.ATTRIBUTE, trusted).addAttribute(TrustedIdentity.SERIAL, cert.getSerialNumber()).build();
    }

    /** A refusal when the certificate is out of its validity or revoked now; null when it is good. */
    private SecurityIdentity stillValid(String certname, X509Certificate cert) {
        try {
            // The TLS layer already refuses an expired certificate; checked again so that no TLS
            // setting can ever let one through, and so that a kept session cannot outlive it.
            cert.checkValidity();
        } catch (CertificateExpiredException | CertificateNotYetValidException e) {
            return refused(certname, 403, "this certificate is not valid now (valid " + cert.getNotBefore().toInstant() + " to "
                    + cert.getNotAfter().toInstant() + "); renew it, or 'kw-master ca clean' it and bootstrap again");
        }
        try {
            if (ca.isRevoked(cert.getSerialNumber())) {
                return refused(certname, 403, "this certificate (serial " + cert.getSerialNumber().toString(16) + ") has been revoked");
            }
        } catch (IOException e) {
            return refused(certname, 503, "the CA's revocation list cannot be read: " + e.getMessage());
        }
        return null;
    }

    private static SecurityIdentity refused(String name, int status, String reason) {
        return QuarkusSecurityIdentity.builder().setPrincipal(new QuarkusPrincipal(name))
                .addAttribute(Refusal.ATTRIBUTE, new Refusal(status, reason)).build();
    }
}
