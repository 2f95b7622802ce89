package io.kraftwerk.master.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.sql.DriverManager;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Masters that share a database and no file system: each has the CA's key in its own directory,
 * the state is in the database, and whatever they do at the same time, no serial is issued twice
 * and no revocation is lost.
 */
class SharedCaTest {
    private static final int MAX_PENDING = 1000;
    private static final AutosignPolicy LAB = new AutosignPolicy(null, List.of("*.lab.example.net"));

    @TempDir
    Path dir;

    private CertificateAuthority open(String master, CaLedger ledger) throws Exception {
        return CertificateAuthority.openOrCreate(dir.resolve(master), "Kraftwerk CA test", Clock.systemUTC(),
                CertificateAuthority.Profile.standard(), ledger);
    }

    /** A second master's directory: the first one's key and certificate, copied as the docs say. */
    private void copyKey(String from, String to) throws Exception {
        Files.createDirectories(dir.resolve(to));
        for (String file : List.of("ca_key.pem", "ca_crt.pem")) {
            Files.copy(dir.resolve(from).resolve(file), dir.resolve(to).resolve(file));
        }
    }

    @Test
    void aMasterWithTheCaKeyJoinsWhileOneWithoutItOrWithAnotherIsRefused() throws Exception {
        String url = CaDatabases.h2();
        CertificateAuthority a = open("a", CaDatabases.ledger(url));
        X509Certificate web1 = a.generate("web1.example.net", Map.of()).certificate();
        copyKey("a", "b");
        CertificateAuthority b = open("b", CaDatabases.ledger(url));
        assertEquals(web1, b.currentCertificate("web1.example.net").orElseThrow(), "B sees what A signed");

        CaException empty = assertThrows(CaException.class, () -> open("c", CaDatabases.ledger(url)));
        assertEquals("the database " + url + " already holds the fleet's CA (certificate " + Fingerprints.of(a.certificate())
                + "), and " + dir.resolve("c") + " had none: copy ca_key.pem (keep it 0600) and ca_crt.pem from a master of that"
                + " fleet into " + dir.resolve("c") + ", then start again", empty.getMessage());
        assertFalse(Files.exists(dir.resolve("c/ca_key.pem")), "the key it made before it found the fleet's CA is gone again");

        CertificateAuthority.openOrCreate(dir.resolve("d"), "another CA", Clock.systemUTC(), CertificateAuthority.Profile.standard());
        CaException other = assertThrows(CaException.class, () -> open("d", CaDatabases.ledger(url)));
        assertTrue(other.getMessage().startsWith(dir.resolve("d") + "/ca_crt.pem (certificate "), other.getMessage());
        assertTrue(other.getMessage().contains("is not the CA the database " + url + " holds (" + Fingerprints.of(a.certificate())),
                other.getMessage());
        assertTrue(Files.exists(dir.resolve("d/ca_key.pem")), "a CA that was there before is never deleted");
    }

    @Test
    void aCaDirectoryIsTakenIntoAnEmptyDatabaseWholeAndThenOnlyTheDatabaseIsUsed() throws Exception {
        CertificateAuthority files = CertificateAuthority.openOrCreate(dir.resolve("a"), "Kraftwerk CA test", Clock.systemUTC(),
                CertificateAuthority.Profile.standard());
        files.ensureServerCertificate(dir.resolve("tls/key.pem"), dir.resolve("tls/crt.pem"), List.of("kw-master.example.net"),
                List.of("10.0.0.2"));
        X509Certificate kept = files.generate("web1.example.net", Map.of("role", "web")).certificate();
        X509Certificate revoked = files.generate("web2.example.net", Map.of()).certificate();
        files.revoke("web2.example.net");
        files.generate("gone.example.net", Map.of());
        files.clean("gone.example.net");
        files.submit("web3.example.net", Csrs.create("web3.example.net", null).pem(), AutosignPolicy.off(), MAX_PENDING);
        List<CertificateAuthority.Entry> before = files.list();
        Set<BigInteger> revokedBefore = files.revokedSerials();
        Set<String> revokedNamesBefore = files.revokedNames();

        String url = CaDatabases.h2();
        CertificateAuthority moved = open("a", CaDatabases.ledger(url));
        assertEquals(before, moved.list(), "requests and certificates, with their status");
        assertEquals(revokedBefore, moved.revokedSerials());
        assertEquals(Set.of("web2.example.net", "gone.example.net"), moved.revokedNames());
        assertEquals(revokedNamesBefore, moved.revokedNames());
        assertTrue(moved.crl().isRevoked(revoked));
        assertFalse(moved.crl().isRevoked(kept));
        assertEquals("kw-master.example.net is a name of the master itself; no node may have a certificate for it",
                assertThrows(CaException.class, () -> moved.generate("kw-master.example.net", Map.of())).getMessage(),
                "the master's names came along");

        assertTrue(Files.readString(dir.resolve("a/state-in-database")).contains(url));
        assertTrue(Files.exists(dir.resolve("a/imported-to-database/inventory.tsv")));
        assertFalse(Files.exists(dir.resolve("a/signed")), "no stale copy where the CLI or a master would read it");
        CaException stale = assertThrows(CaException.class, () -> CertificateAuthority.openOrCreate(dir.resolve("a"), "x",
                Clock.systemUTC(), CertificateAuthority.Profile.standard()));
        assertTrue(stale.getMessage().startsWith("the CA's requests, certificates and revocations are kept in a database, not in "
                + dir.resolve("a")), stale.getMessage());

        copyKey("a", "b");
        open("b", CaDatabases.ledger(url)).generate("web4.example.net", Map.of());
        assertTrue(open("a", CaDatabases.ledger(url)).currentCertificate("web4.example.net").isPresent(),
                "taken once: opening again adds to the same state");
    }

    @Test
    void aDirectoryWhoseStateWentToADatabaseIsRefusedByAnEmptyOneAndTheMastersNamesAreRecordedBeforeStart() throws Exception {
        String first = CaDatabases.h2();
        CertificateAuthority a = open("a", CaDatabases.ledger(first));
        a.generate("web1.example.net", Map.of());
        String empty = CaDatabases.h2();
        CaException forgotten = assertThrows(CaException.class, () -> open("a", CaDatabases.ledger(empty)));
        assertTrue(forgotten.getMessage().startsWith(dir.resolve("a/state-in-database") + " says the CA's state was moved to a"
                + " database (the CA's requests, certificates, inventory, master names and CRL are in the database " + first),
                forgotten.getMessage());
        assertTrue(forgotten.getMessage().endsWith("but " + empty + " holds no CA: starting would forget every certificate and"
                + " revocation. Restore that database first (pg_restore), or give the --database it names"), forgotten.getMessage());
        assertEquals(forgotten.getMessage(), assertThrows(CaException.class, () -> CaLedger.checkBeforeStart(dir.resolve("a"),
                () -> DriverManager.getConnection(empty), empty, List.of())).getMessage(), "the same before start");
        assertTrue(DatabaseLedger.heldFingerprint(() -> DriverManager.getConnection(empty)).isEmpty(),
                "nothing was put into the empty database");

        CaLedger.checkBeforeStart(dir.resolve("a"), () -> DriverManager.getConnection(first), first,
                List.of("kwm-c.example.net", "10.0.0.3"));
        assertEquals("kwm-c.example.net is a name of the master itself; no node may have a certificate for it",
                assertThrows(CaException.class, () -> a.generate("kwm-c.example.net", Map.of())).getMessage());
    }

    @Test
    void aMoveIntoTheDatabaseThatNeverCommittedIsDoneAgainNotRefused() throws Exception {
        CertificateAuthority files = CertificateAuthority.openOrCreate(dir.resolve("a"), "Kraftwerk CA test", Clock.systemUTC(),
                CertificateAuthority.Profile.standard());
        X509Certificate web1 = files.generate("web1.example.net", Map.of()).certificate();
        // as a crash between writing the marker and the commit leaves it: the marker, every state file, nothing moved aside
        Files.writeString(dir.resolve("a/state-in-database"), "the CA's requests … are in the database jdbc:h2:mem:lost\n");
        String url = CaDatabases.h2();
        CertificateAuthority moved = open("a", CaDatabases.ledger(url));
        assertEquals(web1, moved.currentCertificate("web1.example.net").orElseThrow(), "taken into the database after all");
        assertTrue(Files.readString(dir.resolve("a/state-in-database")).contains(url), "the marker names where it went now");
        assertTrue(Files.exists(dir.resolve("a/imported-to-database/signed")));
    }

    @Test
    void everyIssueAndRevocationChangesTheStampTheMastersRereadOn() throws Exception {
        CertificateAuthority ca = open("a", CaDatabases.ledger(CaDatabases.h2()));
        Object start = ca.stamp();
        ca.generate("web1.example.net", Map.of());
        Object issued = ca.stamp();
        ca.revoke("web1.example.net");
        Object revoked = ca.stamp();
        ca.clean("web1.example.net");
        assertEquals(revoked, ca.stamp(), "nothing left to revoke: no change");
        ca.generate("web1.example.net", Map.of());
        assertEquals(4, Set.of(start, issued, revoked, ca.stamp()).size(), "a node cleaned and enrolled again is seen too");
    }

    @Test
    void aDatabaseUrlIsNamedWithoutItsCredentials() {
        assertEquals("jdbc:postgresql://db.example.net:5432/kraftwerk",
                DatabaseLedger.withoutCredentials("jdbc:postgresql://kw:s3cret@db.example.net:5432/kraftwerk?password=s3cret&ssl=true"));
        assertEquals("jdbc:postgresql://db.example.net/kraftwerk", DatabaseLedger.withoutCredentials("jdbc:postgresql://db.example.net/kraftwerk"));
        assertFalse(CaLedger.database(() -> null, "jdbc:postgresql://db/k?password=s3cret").describe().contains("s3cret"));
    }

    @Test
    void aSerialIssuedBeforeIsRefusedAndNothingOfTheChangeIsKept() throws Exception {
        String url = CaDatabases.h2();
        CaLedger ledger = CaDatabases.ledger(url);
        CertificateAuthority ca = open("a", ledger);
        X509Certificate cert = ca.generate("web1.example.net", Map.of()).certificate();
        String request = Csrs.create("web9.example.net", null).pem();
        CaException twice = assertThrows(CaException.class, () -> ledger.change(() -> {
            ledger.putRequest("web9.example.net", request);
            ledger.issued("web9.example.net", cert);
            return null;
        }));
        assertEquals("serial " + cert.getSerialNumber().toString(16) + " was issued before; this certificate was not issued: try"
                + " again", twice.getMessage());
        assertTrue(ca.currentCertificate("web9.example.net").isEmpty());
        assertFalse(ca.pending("web9.example.net"), "the request kept in the same change is gone with it");
    }

    @Test
    void twoMastersSigningRevokingAndRenewingAtOnceNeverRepeatASerialNorLoseARevocation() throws Exception {
        String url = CaDatabases.h2();
        CertificateAuthority a = open("a", CaDatabases.ledger(url));
        copyKey("a", "b");
        CertificateAuthority b = open("b", CaDatabases.ledger(url));
        List<CertificateAuthority> masters = List.of(a, b);
        int nodes = 24;
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            // every node bootstraps at once, each through either master; two keys race for the same name on both masters
            List<Future<X509Certificate>> bootstraps = new ArrayList<>();
            CountDownLatch start = new CountDownLatch(1);
            for (int i = 0; i < nodes; i++) {
                String name = "n" + i + ".lab.example.net";
                CertificateAuthority master = masters.get(i % 2);
                bootstraps.add(pool.submit(atStart(start, () -> {
                    master.submit(name, Csrs.create(name, null).pem(), LAB, MAX_PENDING);
                    return master.currentCertificate(name).orElseThrow();
                })));
            }
            List<Future<CertificateAuthority.Status>> contested = new ArrayList<>();
            for (CertificateAuthority master : masters) {
                contested.add(pool.submit(atStart(start, () -> master.submit("contested.lab.example.net",
                        Csrs.create("contested.lab.example.net", null).pem(), LAB, MAX_PENDING).status())));
            }
            start.countDown();
            Map<String, X509Certificate> issued = new ConcurrentHashMap<>();
            for (int i = 0; i < nodes; i++) {
                issued.put("n" + i + ".lab.example.net", bootstraps.get(i).get(60, TimeUnit.SECONDS));
            }
            int signed = 0;
            int refused = 0;
            for (Future<CertificateAuthority.Status> f : contested) {
                try {
                    assertEquals(CertificateAuthority.Status.SIGNED, f.get(60, TimeUnit.SECONDS));
                    signed++;
                } catch (ExecutionException e) {
                    assertTrue(e.getCause() instanceof CaException.Refused, String.valueOf(e.getCause()));
                    refused++;
                }
            }
            assertEquals(List.of(1, 1), List.of(signed, refused), "one key gets the contested name, the other is refused");

            // then, at once: even nodes are revoked on one master while they renew on the other; odd nodes renew only
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> work = new ArrayList<>();
            Set<BigInteger> renewedSerials = ConcurrentHashMap.newKeySet();
            for (int i = 0; i < nodes; i++) {
                String name = "n" + i + ".lab.example.net";
                X509Certificate current = issued.get(name);
                CertificateAuthority revoker = masters.get(i % 2);
                CertificateAuthority renewer = masters.get((i + 1) % 2);
                if (i % 2 == 0) {
                    work.add(pool.submit(atStart(go, () -> {
                        revoker.revoke(name);
                        return null;
                    })));
                }
                work.add(pool.submit(atStart(go, () -> {
                    try {
                        renewedSerials.add(renewer.renew(name, current.getSerialNumber(), Csrs.create(name, null).pem())
                                .getSerialNumber());
                    } catch (CaException.Refused e) {
                        // revoked first: refused, as it must be
                    }
                    return null;
                })));
            }
            go.countDown();
            for (Future<?> f : work) {
                f.get(60, TimeUnit.SECONDS);
            }

            CaLedger ledger = CaDatabases.ledger(url);
            List<Inventory.Line> inventory = ledger.inventory();
            Set<BigInteger> serials = new HashSet<>();
            inventory.forEach(l -> serials.add(l.serial()));
            assertEquals(inventory.size(), serials.size(), "no serial twice");
            assertEquals(nodes + 1 + renewedSerials.size(), inventory.size(), "every certificate handed out is in the inventory");
            X509CRL crlA = a.crl();
            X509CRL crlB = b.crl();
            for (int i = 0; i < nodes; i++) {
                String name = "n" + i + ".lab.example.net";
                if (i % 2 == 0) {
                    assertFalse(ledger.anyUnrevoked(name), name + " was revoked, and no renewal outlived it");
                    for (Inventory.Line line : inventory) {
                        if (line.certname().equals(name)) {
                            assertTrue(crlA.getRevokedCertificate(line.serial()) != null, name + " in A's CRL");
                            assertTrue(crlB.getRevokedCertificate(line.serial()) != null, name + " in B's CRL");
                        }
                    }
                    assertEquals(CertificateAuthority.Status.REVOKED, b.status(a.currentCertificate(name).orElseThrow()));
                } else {
                    X509Certificate now = b.currentCertificate(name).orElseThrow();
                    assertTrue(renewedSerials.contains(now.getSerialNumber()), name + " renewed");
                    assertEquals(CertificateAuthority.Status.SIGNED, a.status(now));
                }
            }
            assertEquals(crlA.getEncoded().length, crlB.getEncoded().length, "one CRL, whichever master publishes it");
            assertTrue(Revocations.number(crlA).equals(Revocations.number(crlB)));
        } finally {
            pool.shutdownNow();
        }
    }

    private static <T> Callable<T> atStart(CountDownLatch start, Callable<T> work) {
        return () -> {
            start.await();
            return work.call();
        };
    }
}
