package io.kraftwerk.master.ca;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/**
 * Everything the CA's key signs: its own certificate, a node's certificate (recorded in the
 * ledger by the caller), the master's TLS certificate and the CRL. Keys are ECDSA P-256; serials are random.
 */
final class Issuer {
    private static final String SIGNATURE = "SHA256withECDSA";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final PrivateKey caKey;
    private final X509Certificate caCertificate;

    Issuer(PrivateKey caKey, X509Certificate caCertificate) {
        this.caKey = caKey;
        this.caCertificate = caCertificate;
    }

    X509Certificate caCertificate() {
        return caCertificate;
    }

    /** Whether this CA's key signed {@code certificate} (a master's certificate left from another CA is not). */
    boolean signed(X509Certificate certificate) {
        try {
            certificate.verify(caCertificate.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** A new CA: its self-signed certificate for {@code pair}, valid from an hour before {@code now}. */
    static X509Certificate selfSigned(String caName, KeyPair pair, Instant now, Duration lifetime) throws IOException, CaException {
        X500Name subject = new X500Name("CN=" + caName);
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(lifetime)), subject, pair.getPublic());
        JcaX509ExtensionUtils ext = extensions();
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        builder.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
        return sign(builder, pair.getPrivate());
    }

    /** Issues a node certificate for the request's key with an explicit validity window. */
    X509Certificate issue(String certname, PKCS10CertificationRequest csr, Map<String, String> trusted, Instant notBefore,
                          Instant notAfter) throws CaException, IOException {
        try {
            return issue(certname, new JcaPKCS10CertificationRequest(csr).setProvider(Pem.bc()).getPublicKey(), trusted, notBefore,
                    notAfter);
        } catch (GeneralSecurityException e) {
            throw new CaException("cannot read the request's public key: " + e.getMessage());
        }
    }

    /** Issues a node certificate (client authentication, the certname as its DNS name); the caller records it in the ledger. */
    X509Certificate issue(String certname, PublicKey key, Map<String, String> trusted, Instant notBefore, Instant notAfter)
            throws CaException, IOException {
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(caCertificate, serial(),
                Date.from(notBefore.minus(Duration.ofHours(1))), Date.from(notAfter), new X500Name("CN=" + certname), key);
        addLeafExtensions(builder, key, KeyPurposeId.id_kp_clientAuth);
        builder.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(new GeneralName(GeneralName.dNSName, certname)));
        if (!trusted.isEmpty()) {
            builder.addExtension(TrustedFactsExtension.extension(trusted));
        }
        return sign(builder, caKey);
    }

    /** The master's certificate (server authentication) for {@code key}, named by the first DNS name, carrying all. */
    X509Certificate issueServer(PublicKey key, List<String> dnsNames, List<String> ips, Instant now, Duration lifetime)
            throws IOException, CaException {
        X500Name subject = new X500Name("CN=" + dnsNames.get(0));
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(caCertificate, serial(),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(lifetime)), subject, key);
        List<GeneralName> altNames = new ArrayList<>();
        dnsNames.forEach(n -> altNames.add(new GeneralName(GeneralName.dNSName, n)));
        ips.forEach(ip -> altNames.add(new GeneralName(GeneralName.iPAddress, ip)));
        addLeafExtensions(builder, key, KeyPurposeId.id_kp_serverAuth);
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(altNames.toArray(GeneralName[]::new)));
        return sign(builder, caKey);
    }

    /** Signs the CRL built so far, numbered {@code number} and naming the CA's key. */
    X509CRL signCrl(X509v2CRLBuilder builder, BigInteger number) throws IOException, CaException {
        try {
            builder.addExtension(Extension.cRLNumber, false, new CRLNumber(number));
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    extensions().createAuthorityKeyIdentifier(caCertificate));
            ContentSigner signer = new JcaContentSignerBuilder(SIGNATURE).build(caKey);
            return new JcaX509CRLConverter().getCRL(builder.build(signer));
        } catch (OperatorCreationException | GeneralSecurityException e) {
            throw new CaException("cannot sign the CRL: " + e.getMessage());
        }
    }

    private void addLeafExtensions(X509v3CertificateBuilder builder, PublicKey key, KeyPurposeId purpose) throws CaException {
        try {
            JcaX509ExtensionUtils ext = extensions();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
            builder.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(key));
            builder.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(caCertificate));
        } catch (IOException | GeneralSecurityException e) {
            throw new CaException("cannot build the certificate: " + e.getMessage());
        }
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key) throws CaException {
        try {
            return new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder(SIGNATURE).build(key)));
        } catch (OperatorCreationException | CertificateException e) {
            throw new CaException("cannot sign: " + e.getMessage());
        }
    }

    private static JcaX509ExtensionUtils extensions() throws CaException {
        try {
            return new JcaX509ExtensionUtils();
        } catch (NoSuchAlgorithmException e) {
            throw new CaException("SHA-1 is missing from this JVM: " + e.getMessage());
        }
    }

    static KeyPair newKeyPair() throws CaException {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new CaException("cannot generate an ECDSA P-256 key: " + e.getMessage());
        }
    }

    /** Random 127-bit serials: unique without a counter file, positive as X.509 wants. */
    private static BigInteger serial() {
        return new BigInteger(127, RANDOM);
    }
}
