package io.kraftwerk.master.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateAuthorityTest {
    private static final int MAX_PENDING = 1000;

    @TempDir
    Path dir;

    /** Where the CA keeps its state: its directory here, a database in {@link DatabaseCertificateAuthorityTest}. */
    CaLedger ledger() throws Exception {
        return null;
    }

    CertificateAuthority ca(Clock clock, CertificateAuthority.Profile profile) throws Exception {
        return CertificateAuthority.openOrCreate(dir.resolve("ca"), "Kraftwerk CA test", clock, profile, ledger());
    }

    private CertificateAuthority ca(Clock clock) throws Exception {
        return ca(clock, CertificateAuthority.Profile.standard());
    }

    CertificateAuthority ca() throws Exception {
        return ca(Clock.systemUTC());
    }

    @Test
    void isCreatedOnceWithAPrivateKeyOnlyRootCanRead() throws Exception {
        CertificateAuthority first = ca();
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca/ca_key.pem"))));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca"))));
        X509Certificate cert = first.certificate();
        assertEquals(Integer.MAX_VALUE, cert.getBasicConstraints());
        assertEquals(cert, ca().certificate(), "opening again reuses the same CA");
        assertTrue(first.crl().getRevokedCertificates() == null);
        assertTrue(first.attentionDate().isBefore(cert.getNotAfter().toInstant()));
    }

    @Test
    void aRequestWaitsForAnOperatorUntilSigned() throws Exception {
        CertificateAuthority ca = ca();
        Csrs.Request req = Csrs.create("web1.example.net", null);
        CertificateAuthority.Submission s = ca.submit("web1.example.net", req.pem(), AutosignPolicy.off(), MAX_PENDING);
        assertEquals(CertificateAuthority.Status.PENDING, s.status());
        assertEquals("waiting for an operator: kw-master ca sign web1.example.net --fingerprint " + Fingerprints.of(req.keys().getPublic().getEncoded()),
                s.message());
        assertEquals(Optional.of(Fingerprints.of(req.keys().getPublic().getEncoded())), ca.pendingKey("web1.example.net"));
        assertTrue(ca.pending("web1.example.net"));
        assertTrue(ca.currentCertificate("web1.example.net").isEmpty());

        X509Certificate cert = ca.sign("web1.example.net", null, Map.of());
        cert.verify(ca.certificate().getPublicKey());
        assertEquals("CN=web1.example.net", cert.getSubjectX500Principal().getName());
        assertEquals(req.keys().getPublic(), cert.getPublicKey());
        assertTrue(cert.getExtendedKeyUsage().contains("1.3.6.1.5.5.7.3.2"), "client authentication");
        assertEquals(cert, ca.currentCertificate("web1.example.net").orElseThrow());
        assertFalse(ca.pending("web1.example.net"));
        assertEquals(List.of(new CertificateAuthority.Entry("web1.example.net", CertificateAuthority.Status.SIGNED,
                Fingerprints.of(cert), cert.getNotAfter().toInstant(), Map.of())), ca.list());

        CaException again = assertThrows(CaException.class,
                () -> ca.submit("web1.example.net", Csrs.create("web1.example.net", null).pem(), AutosignPolicy.off(), MAX_PENDING));
        assertEquals("a valid certificate for web1.example.net already exists; if the node lost its key, an operator runs"
                + " 'kw-master ca clean web1.example.net' and it bootstraps again", again.getMessage());
    }

    @Test
    void autosignsWithTheRightTokenOrAMatchingGlobOnly() throws Exception {
        CertificateAuthority ca = ca();
        AutosignPolicy policy = new AutosignPolicy("s3cret-token", List.of("*.lab.example.net"));
        assertEquals(CertificateAuthority.Status.SIGNED,
                ca.submit("web1.example.net", Csrs.create("web1.example.net", "s3cret-token").pem(), policy, MAX_PENDING).status());
        assertEquals(CertificateAuthority.Status.PENDING,
                ca.submit("web2.example.net", Csrs.create("web2.example.net", "wrong-token").pem(), policy, MAX_PENDING).status());
        assertEquals("autosigned: the certname matches '*.lab.example.net'",
                ca.submit("t1.lab.example.net", Csrs.create("t1.lab.example.net", null).pem(), policy, MAX_PENDING).message());
        assertEquals(CertificateAuthority.Status.PENDING,
                ca.submit("a.t1.lab.example.net", Csrs.create("a.t1.lab.example.net", null).pem(), policy, MAX_PENDING).status(),
                "'*' stays within one DNS label");
    }

    @Test
    void revocationReachesTheCrlAndCleaningAllowsANewBootstrap() throws Exception {
        CertificateAuthority ca = ca();
        ca.submit("db1.example.net", Csrs.create("db1.example.net", null).pem(), AutosignPolicy.off(), MAX_PENDING);
        X509Certificate cert = ca.sign("db1.example.net", null, Map.of());
        ca.revoke("db1.example.net");
        assertEquals(CertificateAuthority.Status.REVOKED, ca.status(cert));
        assertTrue(ca.revokedSerials().contains(cert.getSerialNumber()));
        assertTrue(ca.crl().isRevoked(cert));
        ca.crl().verify(ca.certificate().getPublicKey());

        ca.clean("db1.example.net");
        assertTrue(ca.currentCertificate("db1.example.net").isEmpty());
        assertEquals(CertificateAuthority.Status.PENDING,
                ca.submit("db1.example.net", Csrs.create("db1.example.net", null).pem(), AutosignPolicy.off(), MAX_PENDING).status());
        assertThrows(CaException.class, () -> ca.revoke("nobody.example.net"));
    }

    @Test
    void refusesRequestsThatAreNotWhatTheyClaim() throws Exception {
        CertificateAuthority ca = ca();
        assertEquals("the request is for CN=evil.example.net, not web1.example.net", assertThrows(CaException.class,
                () -> ca.submit("web1.example.net", Csrs.create("evil.example.net", null).pem(), AutosignPolicy.off(), MAX_PENDING)).getMessage());
        assertEquals("the request's key is too weak: use ECDSA P-256 or better, or RSA of 2048 bits or more",
                assertThrows(CaException.class, () -> ca.submit("web1.example.net",
                        Csrs.create("web1.example.net", null, Csrs.rsa(1024), "SHA256withRSA").pem(), AutosignPolicy.off(), MAX_PENDING)).getMessage());
        String tampered = Csrs.create("web1.example.net", null).pem().replace("MIH", "MIG");
        assertThrows(CaException.class, () -> ca.submit("web1.example.net", tampered, AutosignPolicy.off(), MAX_PENDING));
        assertEquals("'../../etc/passwd' is not a valid certname: use a lowercase DNS name such as web1.example.net",
                assertThrows(CaException.class, () -> ca.submit("../../etc/passwd",
                        Csrs.create("x", null).pem(), AutosignPolicy.off(), MAX_PENDING)).getMessage());
        assertEquals("not a PEM certificate signing request (expected -----BEGIN ...----- armour)",
                assertThrows(CaException.class, () -> ca.submit("web1.example.net", "hello", AutosignPolicy.off(), MAX_PENDING)).getMessage());
    }

    @Test
    void theServerCertificateIsRenewedWhenNamesChangeOrExpiryNears() throws Exception {
        Path key = dir.resolve("tls/server.key");
        Path cert = dir.resolve("tls/server.crt");
        CertificateAuthority ca = ca();
        assertTrue(ca.ensureServerCertificate(key, cert, List.of("master.example.net", "kraftwerk"), List.of("127.0.0.1")));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        assertFalse(ca.ensureServerCertificate(key, cert, List.of("master.example.net", "kraftwerk"), List.of("127.0.0.1")));
        assertTrue(ca.ensureServerCertificate(key, cert, List.of("master.example.net"), List.of("127.0.0.1")));
        Clock later = Clock.fixed(Instant.now().plus(Duration.ofDays(2 * 365 - 20)), ZoneOffset.UTC);
        assertTrue(ca(later).ensureServerCertificate(key, cert, List.of("master.example.net"), List.of("127.0.0.1")),
                "renewed within 30 days of expiry");
    }

    @Test
    void theCrlIsResignedWhenItsNextUpdateNears() throws Exception {
        CertificateAuthority ca = ca();
        assertFalse(ca.refreshCrlIfDue());
        Clock later = Clock.fixed(Instant.now().plus(Duration.ofDays(25)), ZoneOffset.UTC);
        assertTrue(ca(later).refreshCrlIfDue());
        assertTrue(ca(later).crl().getNextUpdate().toInstant().isAfter(Instant.now().plus(Duration.ofDays(50))));
    }

    @Test
    void generatesAKeyAndCertificateForProvisioningButNotOverAValidOne() throws Exception {
        CertificateAuthority ca = ca();
        CertificateAuthority.Generated g = ca.generate("img1.example.net", Map.of());
        g.certificate().verify(ca.certificate().getPublicKey());
        assertEquals("CN=img1.example.net", g.certificate().getSubjectX500Principal().getName());
        assertEquals(g.certificate(), ca.currentCertificate("img1.example.net").orElseThrow());
        Signature sig = Signature.getInstance("SHA256withECDSA");
        sig.initSign(g.key());
        sig.update(new byte[] {1, 2, 3});
        byte[] signed = sig.sign();
        sig.initVerify(g.certificate().getPublicKey());
        sig.update(new byte[] {1, 2, 3});
        assertTrue(sig.verify(signed), "the key belongs to the certificate");
        CaException again = assertThrows(CaException.class, () -> ca.generate("img1.example.net", Map.of()));
        assertEquals("a valid certificate for img1.example.net already exists; revoke it first with"
                + " 'kw-master ca clean img1.example.net'", again.getMessage());
    }

    @Test
    void aCertificateIssuedByAClockInThePastIsListedAsExpired() throws Exception {
        ca();
        Instant past = Instant.now().minus(Duration.ofDays(3));
        CertificateAuthority then = ca(Clock.fixed(past, ZoneOffset.UTC), new CertificateAuthority.Profile(Duration.ofDays(3650), Duration.ofDays(1), Duration.ofDays(1), Duration.ofDays(30)));
        X509Certificate cert = then.generate("old.example.net", Map.of()).certificate();
        assertTrue(cert.getNotAfter().toInstant().isBefore(Instant.now()));
        assertEquals(CertificateAuthority.Status.EXPIRED, ca().status(cert));
        assertEquals(CertificateAuthority.Status.EXPIRED, ca().list().get(0).status());
    }
}
