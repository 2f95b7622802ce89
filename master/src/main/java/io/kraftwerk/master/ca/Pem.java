package io.kraftwerk.master.ca;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.cert.CRLException;
import java.security.cert.CertificateException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/** PEM in and out for the CA's files: certificates, keys, requests, CRLs. */
public final class Pem {
    private Pem() {
    }

    /**
     * BouncyCastle's own provider for its JCA helpers, which look algorithms up by OID (checking a signing request).
     * Made on first use: making it registers every algorithm BouncyCastle has, a quarter of a second of the master's
     * start that reading and writing PEM never needs.
     */
    static Provider bc() {
        return Bc.PROVIDER;
    }

    private static final class Bc {
        static final Provider PROVIDER = new BouncyCastleProvider();
    }

    /** Private keys go out as PKCS#8 ("PRIVATE KEY"), the form every TLS stack reads. */
    public static String write(Object object) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(out)) {
            if (object instanceof PrivateKey key) {
                pem.writeObject(new JcaPKCS8Generator(key, null));
            } else {
                pem.writeObject(object);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot write PEM (this is a Kraftwerk bug, please report it)", e);
        }
        return out.toString();
    }

    public static byte[] bytes(Object object) {
        return write(object).getBytes(StandardCharsets.US_ASCII);
    }

    private static Object read(String text, String what) throws CaException {
        try (PEMParser parser = new PEMParser(new StringReader(text))) {
            Object object = parser.readObject();
            if (object == null) {
                throw new CaException("not a PEM " + what + " (expected -----BEGIN ...----- armour)");
            }
            return object;
        } catch (IOException e) {
            throw new CaException("malformed PEM " + what + ": " + e.getMessage());
        }
    }

    public static X509Certificate certificate(String text) throws CaException {
        if (!(read(text, "certificate") instanceof X509CertificateHolder holder)) {
            throw new CaException("the PEM is not a certificate");
        }
        try {
            return new JcaX509CertificateConverter().getCertificate(holder);
        } catch (CertificateException e) {
            throw new CaException("unreadable certificate: " + e.getMessage());
        }
    }

    public static PrivateKey privateKey(String text) throws CaException {
        Object object = read(text, "private key");
        try {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (object instanceof PEMKeyPair pair) {
                return converter.getPrivateKey(pair.getPrivateKeyInfo());
            }
            if (object instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
        } catch (IOException e) {
            throw new CaException("unreadable private key: " + e.getMessage());
        }
        throw new CaException("the PEM is not a private key");
    }

    public static PKCS10CertificationRequest request(String text) throws CaException {
        if (!(read(text, "certificate signing request") instanceof PKCS10CertificationRequest csr)) {
            throw new CaException("the PEM is not a certificate signing request (-----BEGIN CERTIFICATE REQUEST-----)");
        }
        return csr;
    }

    public static X509CRL crl(String text) throws CaException {
        if (!(read(text, "CRL") instanceof X509CRLHolder holder)) {
            throw new CaException("the PEM is not a CRL");
        }
        try {
            return new JcaX509CRLConverter().getCRL(holder);
        } catch (CRLException e) {
            throw new CaException("unreadable CRL: " + e.getMessage());
        }
    }
}
