package io.kraftwerk.master.ca;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;

/** {@code SHA256:AB:CD:…}, as openssl prints it: how operators compare certificates and requests. */
public final class Fingerprints {
    private Fingerprints() {
    }

    public static String of(byte[] der) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(der);
            return "SHA256:" + HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether two fingerprints are the same, however they are written (case, colons, the SHA256: prefix). */
    public static boolean same(String a, String b) {
        return normalized(a).equals(normalized(b));
    }

    private static String normalized(String fingerprint) {
        String s = fingerprint.strip().toUpperCase(Locale.ROOT);
        return (s.startsWith("SHA256:") ? s.substring(7) : s).replace(":", "");
    }

    public static String of(X509Certificate certificate) {
        try {
            return of(certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }
}
