package io.kraftwerk.agent.client;

import java.io.OutputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throwaway CA with a server certificate for localhost and a node certificate: what a WireMock
 * standing in for the master presents and asks for, and what the agent keeps in STATE/ssl.
 */
public final class TestPki {
    public static final char[] PASSWORD = "changeit".toCharArray();
    private final KeyPair caKeys;
    private final X509Certificate ca;

    public TestPki() throws Exception {
        caKeys = keys();
        X500Name name = new X500Name("CN=Test CA");
        JcaX509v3CertificateBuilder b = builder(name, name, caKeys);
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        ca = sign(b);
    }

    /** PKCS#12 key store with the server's key for localhost / 127.0.0.1. */
    public Path serverKeyStore(Path file) throws Exception {
        KeyPair k = keys();
        JcaX509v3CertificateBuilder b = builder(new X500Name("CN=Test CA"), new X500Name("CN=localhost"), k);
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
            new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", k.getPrivate(), PASSWORD, new X509Certificate[] {sign(b), ca});
        return save(store, file);
    }

    /** PKCS#12 trust store holding the CA: the server accepts only node certificates it issued. */
    public Path trustStore(Path file) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("ca", ca);
        return save(store, file);
    }

    /** The node's files as kw-agent bootstrap leaves them in STATE/ssl. */
    public void writeNodeSsl(SslFiles ssl, String certname) throws Exception {
        KeyPair k = keys();
        X509Certificate cert = sign(builder(new X500Name("CN=Test CA"), new X500Name("CN=" + certname), k));
        Files.createDirectories(ssl.dir());
        Files.writeString(ssl.key(), pem(new JcaPKCS8Generator(k.getPrivate(), null)));
        Files.writeString(ssl.certificate(), pem(cert));
        Files.writeString(ssl.ca(), pem(ca));
    }

    private JcaX509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair subjectKeys) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(System.nanoTime()), Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(Duration.ofDays(365))), subject, subjectKeys.getPublic());
    }

    private X509Certificate sign(JcaX509v3CertificateBuilder b) throws Exception {
        PrivateKey signer = caKeys.getPrivate();
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
    }

    private static KeyPair keys() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static Path save(KeyStore store, Path file) throws Exception {
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, PASSWORD);
        }
        return file;
    }

    private static String pem(Object o) throws Exception {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter p = new JcaPEMWriter(w)) {
            p.writeObject(o);
        }
        return w.toString();
    }
}
