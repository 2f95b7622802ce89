package io.kraftwerk.master.ca;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The master's own TLS certificate, from its CA: issued for the configured names, renewed when
 * they change or when it is within 30 days of expiry. Every name it carries is kept in
 * the ledger's master names (by the caller), so that no node is ever given one.
 *
 * @param issuer   signs the certificate
 * @param lifetime how long a new certificate is valid
 */
record ServerCertificate(Issuer issuer, Clock clock, Duration lifetime) {
    private static final Duration RENEW_BEFORE = Duration.ofDays(30);

    /**
     * Makes sure the certificate in {@code certFile} (with its key in {@code keyFile}) exists,
     * was signed by this CA, covers the names and is not due; writes a new key and certificate
     * otherwise. The caller records the names in the ledger first.
     *
     * @return true when a new certificate was written
     */
    boolean ensure(Path keyFile, Path certFile, List<String> dnsNames, List<String> ips) throws IOException, CaException {
        if (Files.exists(certFile) && Files.exists(keyFile)) {
            X509Certificate current = Pem.certificate(Files.readString(certFile));
            boolean fresh = current.getNotAfter().toInstant().isAfter(clock.instant().plus(RENEW_BEFORE));
            if (fresh && issuer.signed(current) && ServerNames.of(current).equals(ServerNames.wanted(dnsNames, ips))) {
                return false;
            }
        }
        KeyPair pair = Issuer.newKeyPair();
        X509Certificate cert = issuer.issueServer(pair.getPublic(), dnsNames, ips, clock.instant(), lifetime);
        CaDirectory.writeSecret(keyFile, Pem.bytes(pair.getPrivate()));
        CaDirectory.writeAtomically(certFile, (Pem.write(cert) + Pem.write(issuer.caCertificate())).getBytes(StandardCharsets.US_ASCII));
        return true;
    }
}
