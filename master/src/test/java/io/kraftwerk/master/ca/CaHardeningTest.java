package io.kraftwerk.master.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** What a CA must refuse so that no one can take a name, flood it or get trusted facts they were not given. */
class CaHardeningTest {
    private static final int MAX_PENDING = 1000;
    private static final AutosignPolicy TOKEN_AND_GLOB = new AutosignPolicy("s3cret-token", List.of("*.lab.example.net"));

    @TempDir
    Path dir;

    /** Where the CA keeps its state: its directory here, a database in {@link DatabaseCaHardeningTest}. */
    CaLedger ledger() throws Exception {
        return null;
    }

    CertificateAuthority ca(Clock clock, CertificateAuthority.Profile profile) throws Exception {
        return CertificateAuthority.openOrCreate(dir.resolve("ca"), "test CA", clock, profile, ledger());
    }

    CertificateAuthority ca() throws Exception {
        return ca(Clock.systemUTC(), CertificateAuthority.Profile.standard());
    }

    private static CaException.Kind refusal(Executable action) {
        return assertThrows(CaException.Refused.class, action).kind();
    }

    @Test
    void aSecondRequestForAPendingNameIsRefusedUnlessItIsTheSameKey() throws Exception {
        CertificateAuthority ca = ca();
        Csrs.Request node = Csrs.create("web1.example.net", null);
        ca.submit("web1.example.net", node.pem(), AutosignPolicy.off(), MAX_PENDING);
        Csrs.Request intruder = Csrs.create("web1.example.net", null);
        CaException.Refused refused = assertThrows(CaException.Refused.class,
                () -> ca.submit("web1.example.net", intruder.pem(), AutosignPolicy.off(), MAX_PENDING));
        assertEquals(CaException.Kind.CONFLICT, refused.kind());
        assertEquals("web1.example.net already has a pending request for another key ("
                + Fingerprints.of(node.keys().getPublic().getEncoded()) + "); if that request is not the node's, an operator"
                + " clears it with 'kw-master ca clean web1.example.net'", refused.getMessage());
        assertEquals(CaException.Kind.CONFLICT, refusal(() -> ca.submit("web1.example.net",
                Csrs.create("web1.example.net", "s3cret-token").pem(), TOKEN_AND_GLOB, MAX_PENDING)), "not even with the token");

        // the agent retrying with its own key, now with the token: signed
        Csrs.Request retry = Csrs.create("web1.example.net", "s3cret-token", node.keys(), "SHA256withECDSA");
        assertEquals(CertificateAuthority.Status.SIGNED, ca.submit("web1.example.net", retry.pem(), TOKEN_AND_GLOB, MAX_PENDING).status());
        assertEquals(node.keys().getPublic(), ca.currentCertificate("web1.example.net").orElseThrow().getPublicKey());
    }

    @Test
    void aRevokedOrExpiredNameIsNotEnrolledAgainByTokenOrGlobUntilCleaned() throws Exception {
        CertificateAuthority ca = ca();
        ca.submit("db1.example.net", Csrs.create("db1.example.net", "s3cret-token").pem(), TOKEN_AND_GLOB, MAX_PENDING);
        ca.revoke("db1.example.net");
        CaException.Refused refused = assertThrows(CaException.Refused.class, () -> ca.submit("db1.example.net",
                Csrs.create("db1.example.net", "s3cret-token").pem(), TOKEN_AND_GLOB, MAX_PENDING));
        assertEquals(CaException.Kind.CONFLICT, refused.kind());
        assertEquals("the certificate of db1.example.net is revoked; the name is not enrolled again until an operator runs"
                + " 'kw-master ca clean db1.example.net'", refused.getMessage());
        assertFalse(ca.pending("db1.example.net"), "nothing is kept of the refused request");
        assertEquals("the certificate of db1.example.net is revoked; the name is not enrolled again until you run"
                + " 'kw-master ca clean db1.example.net'", assertThrows(CaException.class,
                        () -> ca.generate("db1.example.net", Map.of())).getMessage(), "nor by ca generate");

        CertificateAuthority past = ca(Clock.fixed(Instant.now().minus(Duration.ofDays(3)), ZoneOffset.UTC),
                new CertificateAuthority.Profile(Duration.ofDays(3650), Duration.ofDays(1), Duration.ofDays(1), Duration.ofDays(30)));
        past.generate("t1.lab.example.net", Map.of());
        assertEquals(CaException.Kind.CONFLICT, refusal(() -> ca.submit("t1.lab.example.net",
                Csrs.create("t1.lab.example.net", null).pem(), TOKEN_AND_GLOB, MAX_PENDING)), "expired, matching the glob");

        ca.clean("db1.example.net");
        assertEquals(CertificateAuthority.Status.SIGNED, ca.submit("db1.example.net",
                Csrs.create("db1.example.net", "s3cret-token").pem(), TOKEN_AND_GLOB, MAX_PENDING).status());
    }

    @Test
    void theMastersOwnNamesAreNeverGivenToANode() throws Exception {
        CertificateAuthority ca = ca();
        ca.ensureServerCertificate(dir.resolve("tls/key.pem"), dir.resolve("tls/crt.pem"), List.of("master.lab.example.net",
                "kraftwerk.example.net"), List.of("10.0.0.1"));
        CaException.Refused refused = assertThrows(CaException.Refused.class, () -> ca.submit("master.lab.example.net",
                Csrs.create("master.lab.example.net", "s3cret-token").pem(), TOKEN_AND_GLOB, MAX_PENDING));
        assertEquals(CaException.Kind.FORBIDDEN, refused.kind());
        assertEquals("master.lab.example.net is a name of the master itself; no node may have a certificate for it",
                refused.getMessage());
        assertEquals(CaException.Kind.FORBIDDEN, refusal(() -> ca.generate("kraftwerk.example.net", Map.of())));

        // a name the master had before it was renamed stays the master's
        ca.ensureServerCertificate(dir.resolve("tls/key.pem"), dir.resolve("tls/crt.pem"), List.of("new.example.net"), List.of());
        assertEquals(CaException.Kind.FORBIDDEN, refusal(() -> ca.submit("kraftwerk.example.net",
                Csrs.create("kraftwerk.example.net", null).pem(), AutosignPolicy.off(), MAX_PENDING)));
        assertTrue(ca.list().isEmpty(), "no request was kept");
    }

    @Test
    void pendingRequestsAreCappedButARetryOfOneStillCounts() throws Exception {
        CertificateAuthority ca = ca();
        Csrs.Request first = Csrs.create("a.example.net", null);
        ca.submit("a.example.net", first.pem(), AutosignPolicy.off(), 2);
        ca.submit("b.example.net", Csrs.create("b.example.net", null).pem(), AutosignPolicy.off(), 2);
        CaException.Refused full = assertThrows(CaException.Refused.class,
                () -> ca.submit("c.example.net", Csrs.create("c.example.net", null).pem(), AutosignPolicy.off(), 2));
        assertEquals(CaException.Kind.FULL, full.kind());
        assertFalse(ca.pending("c.example.net"));
        assertEquals(CertificateAuthority.Status.PENDING, ca.submit("a.example.net", first.pem(), AutosignPolicy.off(), 2).status(),
                "the same request sent again is not a new one");
        assertEquals(CertificateAuthority.Status.SIGNED, ca.submit("t1.lab.example.net", Csrs.create("t1.lab.example.net", null)
                .pem(), TOKEN_AND_GLOB, 2).status(), "a request signed at once never waits, so the cap does not stop it");
        assertEquals(CertificateAuthority.Status.SIGNED, ca.submit("a.example.net", Csrs.create("a.example.net", "s3cret-token",
                first.keys(), "SHA256withECDSA").pem(), TOKEN_AND_GLOB, 2).status(), "a waiting request, sent again with the token");
        assertFalse(ca.pending("a.example.net"), "and no longer waits");
        assertEquals(first.keys().getPublic(), ca.currentCertificate("a.example.net").orElseThrow().getPublicKey());
    }

    @Test
    void signingWithAFingerprintSignsOnlyTheRequestForThatKey() throws Exception {
        CertificateAuthority ca = ca();
        Csrs.Request request = Csrs.create("web1.example.net", null);
        ca.submit("web1.example.net", request.pem(), AutosignPolicy.off(), MAX_PENDING);
        String theirs = Fingerprints.of(Csrs.create("web1.example.net", null).keys().getPublic().getEncoded());
        CaException wrong = assertThrows(CaException.class, () -> ca.sign("web1.example.net", theirs, Map.of()));
        assertTrue(wrong.getMessage().startsWith("the pending request of web1.example.net is for key "
                + Fingerprints.of(request.keys().getPublic().getEncoded()) + ", not " + theirs + "; it was not signed"),
                wrong.getMessage());
        assertTrue(ca.pending("web1.example.net"));

        String printed = Fingerprints.of(request.keys().getPublic().getEncoded());
        assertEquals(printed, ca.list().get(0).fingerprint(), "ca list shows what the agent printed");
        String typed = printed.toLowerCase().replace("sha256:", "").replace(":", "");
        X509Certificate cert = ca.sign("web1.example.net", typed, Map.of());
        assertEquals(request.keys().getPublic(), cert.getPublicKey());
    }

    @Test
    void trustedFactsAreRequestedApprovedBySigningAndKeptOnRenewal() throws Exception {
        CertificateAuthority ca = ca();
        Csrs.Request request = Csrs.create("db1.example.net", null, Map.of("role", "db"), CertificateAuthority.newKeyPair(),
                "SHA256withECDSA");
        ca.submit("db1.example.net", request.pem(), AutosignPolicy.off(), MAX_PENDING);
        assertEquals(Map.of("role", "db"), ca.list().get(0).trusted(), "ca list shows what the request asks for");

        X509Certificate cert = ca.sign("db1.example.net", null, Map.of("site", "fra"));
        assertEquals(Map.of("role", "db", "site", "fra"), TrustedFactsExtension.of(cert));

        Csrs.Request renewal = Csrs.create("db1.example.net", null, Map.of("role", "admin"), CertificateAuthority.newKeyPair(),
                "SHA256withECDSA");
        assertEquals(Map.of("role", "db", "site", "fra"), TrustedFactsExtension.of(ca.renew("db1.example.net",
                cert.getSerialNumber(), renewal.pem())),
                "a node cannot change its trusted facts by renewing");
    }

    @Test
    void aGlobApprovesANameButNotTrustedFactsWhileTheTokenApprovesBoth() throws Exception {
        CertificateAuthority ca = ca();
        KeyPair t1 = CertificateAuthority.newKeyPair();
        CertificateAuthority.Submission byGlob = ca.submit("t1.lab.example.net", Csrs.create("t1.lab.example.net", null,
                Map.of("role", "db"), t1, "SHA256withECDSA").pem(), TOKEN_AND_GLOB, MAX_PENDING);
        assertEquals(CertificateAuthority.Status.PENDING, byGlob.status());
        assertEquals("waiting for an operator: the request asks for trusted facts (role=db), which a name glob does not approve:"
                + " kw-master ca sign t1.lab.example.net --fingerprint " + Fingerprints.of(t1.getPublic().getEncoded()),
                byGlob.message());

        assertEquals(CertificateAuthority.Status.SIGNED, ca.submit("web1.example.net", Csrs.create("web1.example.net",
                "s3cret-token", Map.of("role", "web"), CertificateAuthority.newKeyPair(), "SHA256withECDSA").pem(), TOKEN_AND_GLOB,
                MAX_PENDING).status());
        assertEquals(Map.of("role", "web"), TrustedFactsExtension.of(ca.currentCertificate("web1.example.net").orElseThrow()));

        assertEquals("'certname' is always the certificate's own name and cannot be set", assertThrows(CaException.class,
                () -> ca.sign("t1.lab.example.net", null, Map.of("certname", "db1.example.net"))).getMessage());
    }

    @Test
    void aWrongTokenIsAnsweredExactlyLikeNoToken() throws Exception {
        CertificateAuthority ca = ca();
        CertificateAuthority.Submission wrong = ca.submit("web1.example.net", Csrs.create("web1.example.net", "s3cret-tokeN").pem(),
                TOKEN_AND_GLOB, MAX_PENDING);
        CertificateAuthority.Submission none = ca.submit("web2.example.net", Csrs.create("web2.example.net", null).pem(),
                TOKEN_AND_GLOB, MAX_PENDING);
        CertificateAuthority.Submission longer = ca.submit("web3.example.net",
                Csrs.create("web3.example.net", "s3cret-token-and-more").pem(), TOKEN_AND_GLOB, MAX_PENDING);
        assertEquals(none.status(), wrong.status());
        // the same words; only the name and the key's own fingerprint differ
        assertEquals(withoutKey(none.message()).replace("web2", "web1"), withoutKey(wrong.message()));
        assertEquals(withoutKey(none.message()).replace("web2", "web3"), withoutKey(longer.message()));
    }

    @Test
    void aNodeRenewsWithAnyOfItsValidCertificatesButNeverWithARevokedOrAnotherNodesOne() throws Exception {
        CertificateAuthority ca = ca();
        X509Certificate first = ca.generate("web1.example.net", Map.of()).certificate();
        X509Certificate second = ca.renew("web1.example.net", first.getSerialNumber(), Csrs.create("web1.example.net", null).pem());
        // the answer to that renewal was lost: the node still holds the first, which is still valid
        X509Certificate third = ca.renew("web1.example.net", first.getSerialNumber(), Csrs.create("web1.example.net", null).pem());
        assertEquals(third, ca.currentCertificate("web1.example.net").orElseThrow());
        X509Certificate other = ca.generate("web2.example.net", Map.of()).certificate();
        assertEquals(CaException.Kind.CONFLICT, refusal(() -> ca.renew("web1.example.net", other.getSerialNumber(),
                Csrs.create("web1.example.net", null).pem())), "another node's certificate");

        ca.revoke("web1.example.net");
        for (X509Certificate held : List.of(first, second, third)) {
            CaException.Refused refused = assertThrows(CaException.Refused.class, () -> ca.renew("web1.example.net",
                    held.getSerialNumber(), Csrs.create("web1.example.net", null).pem()));
            assertEquals("the certificate web1.example.net presented (serial " + held.getSerialNumber().toString(16) + ") is not"
                    + " one of its valid certificates: it was revoked, cleaned or has expired; nothing was renewed", refused.getMessage());
        }
        assertEquals(third, ca.currentCertificate("web1.example.net").orElseThrow(), "nothing was renewed");
    }

    private static String withoutKey(String message) {
        return message.replaceAll("SHA256:[0-9A-F:]{95}", "SHA256:KEY");
    }
}
