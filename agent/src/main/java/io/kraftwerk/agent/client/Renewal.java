package io.kraftwerk.agent.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

/**
 * Renews the node's certificate before it expires: within {@value #WINDOW_DAYS} days of its end the
 * agent makes a new key and asks the master for a certificate, proving who it is with the current
 * one. Key and certificate are replaced together only once the new certificate is in hand.
 */
public final class Renewal {
    static final int WINDOW_DAYS = 30;

    private Renewal() {
    }

    /** @return a message when it renewed (or tried and failed), null when not due */
    public static String renewIfDue(MasterClient client, SslFiles ssl, String certname, Clock clock)
            throws IOException, GeneralSecurityException, InterruptedException {
        X509Certificate current = Tls.certificate(Files.readString(ssl.certificate()));
        if (current.getNotAfter().toInstant().isAfter(clock.instant().plus(Duration.ofDays(WINDOW_DAYS)))) {
            return null;
        }
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair keys = generator.generateKeyPair();
        MasterClient.Answer answer = client.send("POST", "/v1/ca/renewals/" + certname, "application/x-pem-file",
                Bootstrapper.csr(certname, null, keys).getBytes(StandardCharsets.US_ASCII), Map.of());
        if (answer.status() != 200) {
            return "the certificate expires on " + current.getNotAfter().toInstant() + " and renewing it failed: "
                    + answer.status() + " " + answer.reason();
        }
        X509Certificate fresh = Tls.certificate(answer.text());
        if (!fresh.getPublicKey().equals(keys.getPublic())) {
            return "the master answered the renewal with a certificate for another key; keeping the current one";
        }
        Path key = ssl.key().resolveSibling("private_key.pem.new");
        Files.deleteIfExists(key);
        Files.createFile(key, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(keys.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n", StandardCharsets.US_ASCII);
        Path cert = ssl.certificate().resolveSibling("cert.pem.new");
        Files.writeString(cert, answer.text(), StandardCharsets.US_ASCII);
        Files.write(ssl.dir().resolve("public_key.der"), keys.getPublic().getEncoded());
        Files.move(key, ssl.key(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Files.move(cert, ssl.certificate(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return "renewed the certificate; the new one is valid until " + fresh.getNotAfter().toInstant();
    }
}
