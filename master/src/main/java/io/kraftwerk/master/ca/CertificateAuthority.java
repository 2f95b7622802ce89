package io.kraftwerk.master.ca;

import io.kraftwerk.model.trust.TrustedFacts;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * The master's certificate authority: what a node's name may be given, and when. Its key and
 * certificate are in a directory ({@link CaDirectory}); what changes is in a {@link CaLedger}, that
 * directory or the masters' database. The work is done by the parts — requests
 * ({@link SigningRequests}), signing ({@link Issuer}), revocation and the CRL ({@link Revocations})
 * and the master's own certificate ({@link ServerCertificate}) — inside the ledger's change, so the
 * CLI and any number of running masters can use the CA at once.
 */
public final class CertificateAuthority {
    /** How long things live. */
    public record Profile(Duration caLifetime, Duration nodeLifetime, Duration serverLifetime, Duration crlLifetime) {
        public static Profile standard() {
            return new Profile(Duration.ofDays(3650), Duration.ofDays(5 * 365), Duration.ofDays(2 * 365), Duration.ofDays(30));
        }
    }

    /** The state of a certname in the CA. */
    public enum Status { PENDING, SIGNED, REVOKED, EXPIRED }

    /**
     * One line of {@code ca list}.
     *
     * @param fingerprint of the request's public key (pending), or of the certificate
     * @param trusted     the trusted facts requested (pending) or carried (certificates)
     */
    public record Entry(String certname, Status status, String fingerprint, Instant notAfter, Map<String, String> trusted) {
    }

    /** What happened to a submitted request. */
    public record Submission(Status status, String message) {
    }

    /** A key made here and the certificate issued for it. */
    public record Generated(PrivateKey key, X509Certificate certificate) {
    }

    private final CaDirectory files;
    private final CaLedger ledger;
    private final Clock clock;
    private final Profile profile;
    private final Issuer issuer;
    private final SigningRequests requests;
    private final Revocations revocations;
    private final ServerCertificate server;

    private CertificateAuthority(CaDirectory files, CaLedger ledger, Clock clock, Profile profile, PrivateKey caKey,
                                 X509Certificate caCertificate) {
        this.files = files;
        this.ledger = ledger;
        this.clock = clock;
        this.profile = profile;
        this.issuer = new Issuer(caKey, caCertificate);
        this.requests = new SigningRequests(ledger);
        this.revocations = new Revocations(ledger, issuer, clock, profile.crlLifetime());
        this.server = new ServerCertificate(issuer, clock, profile.serverLifetime());
    }

    /** Opens the CA in {@code dir}, creating it (key, certificate, empty CRL) on first use; its state in the directory too. */
    public static CertificateAuthority openOrCreate(Path dir, String caName, Clock clock, Profile profile)
            throws IOException, CaException {
        return openOrCreate(dir, caName, clock, profile, null);
    }

    /**
     * Opens the CA whose key and certificate are in {@code dir} and whose state is in {@code ledger}
     * (the directory itself when null). A new key is made only when the directory has none and the
     * ledger holds no CA yet; a ledger that holds another CA is refused, and a database ledger that
     * holds none takes what the directory held.
     */
    public static CertificateAuthority openOrCreate(Path dir, String caName, Clock clock, Profile profile, CaLedger ledger)
            throws IOException, CaException {
        CaDirectory files = CaDirectory.create(dir);
        CaLedger state = ledger == null ? new DirectoryLedger(files) : ledger;
        Keys keys = files.locked(() -> Keys.openOrCreate(files, caName, clock, profile));
        state.adopt(files, keys.certificate(), keys.created());
        CertificateAuthority ca = new CertificateAuthority(files, state, clock, profile, keys.key(), keys.certificate());
        state.change(() -> {
            if (state.crl().isEmpty()) {
                ca.revocations.writeCrl();
            }
            return null;
        });
        return ca;
    }

    /**
     * Before a master with its CA state in a database can reach that database: the CA's key (made
     * on first start) and the master's own certificate for its names. The names are recorded in the
     * ledger as soon as the database is up ({@link #recordMasterNames}), before any request is taken.
     *
     * @return true when a new certificate was written
     */
    public static boolean serverCertificateBeforeStart(Path dir, String caName, Clock clock, Profile profile, Path keyFile,
                                                       Path certFile, List<String> dnsNames, List<String> ips)
            throws IOException, CaException {
        CaDirectory files = CaDirectory.create(dir);
        Keys keys = files.locked(() -> Keys.openOrCreate(files, caName, clock, profile));
        return new ServerCertificate(new Issuer(keys.key(), keys.certificate()), clock, profile.serverLifetime())
                .ensure(keyFile, certFile, dnsNames, ips);
    }

    /** The CA's key and certificate, and whether they were made just now. */
    private record Keys(PrivateKey key, X509Certificate certificate, boolean created) {
        static Keys openOrCreate(CaDirectory files, String caName, Clock clock, Profile profile) throws IOException, CaException {
            Path key = files.caKey();
            Path cert = files.caCertificate();
            if (Files.exists(key) && Files.exists(cert)) {
                return new Keys(Pem.privateKey(Files.readString(key)), Pem.certificate(Files.readString(cert)), false);
            }
            if (Files.exists(key) || Files.exists(cert)) {
                throw new CaException(files.path() + " has only one of ca_key.pem and ca_crt.pem; restore both from a backup,"
                        + " or move the directory away to create a new CA (every node must then bootstrap again)");
            }
            KeyPair pair = Issuer.newKeyPair();
            X509Certificate caCert = Issuer.selfSigned(caName, pair, clock.instant(), profile.caLifetime());
            CaDirectory.writeSecret(key, Pem.bytes(pair.getPrivate()));
            CaDirectory.writeAtomically(cert, Pem.bytes(caCert));
            return new Keys(pair.getPrivate(), caCert, true);
        }
    }

    public X509Certificate certificate() {
        return issuer.caCertificate();
    }

    public Path directory() {
        return files.path();
    }

    /** Where the CA's state is: its directory, or the database (by its URL). */
    public String ledger() {
        return ledger.describe();
    }

    /** The date an operator should plan the CA's replacement: a year before it expires. */
    public Instant attentionDate() {
        return certificate().getNotAfter().toInstant().minus(Duration.ofDays(365));
    }

    /**
     * Takes a node's request. It is signed at once when the policy says so; otherwise it waits for
     * {@code ca sign}. Refused: a name of the master's; a name with a certificate (valid, revoked or
     * expired: an operator must clean it first); a name with a pending request for another key;
     * a new request to wait when {@code maxPending} are waiting already.
     */
    public Submission submit(String certname, String csrPem, AutosignPolicy policy, int maxPending) throws IOException, CaException {
        Certnames.require(certname);
        SigningRequests.Checked request = SigningRequests.check(certname, Pem.request(csrPem));
        return ledger.change(() -> {
            requireNodeName(certname);
            Optional<X509Certificate> current = currentCertificate(certname);
            if (current.isPresent()) {
                Status status = status(current.get());
                throw new CaException.Refused(CaException.Kind.CONFLICT, status == Status.SIGNED
                        ? "a valid certificate for " + certname + " already exists; if the node lost its key, an operator runs"
                                + " 'kw-master ca clean " + certname + "' and it bootstraps again"
                        : "the certificate of " + certname + " is " + status.name().toLowerCase() + "; the name is not enrolled"
                                + " again until an operator runs 'kw-master ca clean " + certname + "'");
            }
            boolean waiting = requests.requireSameKey(certname, request);
            AutosignPolicy.Decision decision = policy.decide(certname, request.token(), request.trusted());
            if (!decision.signs()) {
                requests.keep(certname, request, maxPending, waiting);
                // the operator signs exactly this key: what the agent printed and 'ca list' shows
                return new Submission(Status.PENDING, decision.reason() + " --fingerprint " + request.keyFingerprint());
            }
            // signed at once, the request is not kept first (a bootstrap wave is mostly this: fewer writes under the lock)
            X509Certificate cert = issuer.issue(certname, request.csr(), request.trusted(), clock.instant(),
                    clock.instant().plus(profile.nodeLifetime()));
            ledger.issued(certname, cert);
            if (waiting) {
                ledger.removeRequest(certname);
            }
            return new Submission(Status.SIGNED, decision.reason());
        });
    }

    /**
     * Signs a pending request. With {@code fingerprint}, only if the request's key has that
     * fingerprint (what the agent printed), so that the request signed is the one the operator
     * checked. {@code trusted} adds trusted facts to those requested, or overrides them.
     */
    public X509Certificate sign(String certname, String fingerprint, Map<String, String> trusted) throws IOException, CaException {
        Certnames.require(certname);
        return ledger.change(() -> {
            requireNodeName(certname);
            PKCS10CertificationRequest csr = requests.toSign(certname, fingerprint);
            Map<String, String> facts = new TreeMap<>(TrustedFactsExtension.requested(csr));
            facts.putAll(trusted);
            return issueFromRequest(certname, approved(facts));
        });
    }

    /**
     * Makes a node's key on the CA host and signs its certificate at once, for provisioning
     * (images, test fleets) where the node cannot run bootstrap itself. The key leaves the CA
     * host: hand it over as carefully as the node's own would be kept.
     */
    public Generated generate(String certname, Map<String, String> trusted) throws IOException, CaException {
        Certnames.require(certname);
        KeyPair pair = Issuer.newKeyPair();
        return ledger.change(() -> {
            requireNodeName(certname);
            Optional<X509Certificate> current = currentCertificate(certname);
            if (current.isPresent()) {
                // as for requests: a revoked or expired name stays out until an operator cleans it on purpose
                Status status = status(current.get());
                throw new CaException(status == Status.SIGNED
                        ? "a valid certificate for " + certname + " already exists; revoke it first with 'kw-master ca clean "
                                + certname + "'"
                        : "the certificate of " + certname + " is " + status.name().toLowerCase() + "; the name is not enrolled"
                                + " again until you run 'kw-master ca clean " + certname + "'");
            }
            X509Certificate cert = issuer.issue(certname, pair.getPublic(), approved(trusted), clock.instant(),
                    clock.instant().plus(profile.nodeLifetime()));
            ledger.issued(certname, cert);
            ledger.removeRequest(certname);
            return new Generated(pair.getPrivate(), cert);
        });
    }

    /**
     * Issues a fresh certificate to a node that proved who it is with its current, valid
     * certificate (renewal before expiry); no operator needed. The new certificate carries the
     * trusted facts of the current one, whatever the request asks for: a node cannot change them.
     */
    public X509Certificate renew(String certname, BigInteger presented, String csrPem) throws IOException, CaException {
        Certnames.require(certname);
        SigningRequests.Checked request = SigningRequests.check(certname, Pem.request(csrPem));
        return ledger.change(() -> {
            X509Certificate current = currentCertificate(certname).orElseThrow(() -> new CaException.Refused(
                    CaException.Kind.CONFLICT, "the CA has no certificate for " + certname + " to renew; bootstrap it"));
            // Decided here, under the CA's lock, not only where the request came in: a revocation made on another
            // master a moment ago (its revoked serials reach this master within a second) must not be renewed away.
            // Any valid certificate of the name will do, not only the current one: a node whose last renewal's
            // answer was lost still holds the one before, and renews with it.
            Optional<Inventory.Line> line = presented == null ? Optional.empty() : ledger.issuedAs(presented);
            if (line.isEmpty() || !line.get().certname().equals(certname) || line.get().revokedAt() != null
                    || !line.get().notAfter().isAfter(clock.instant()) || status(current) != Status.SIGNED) {
                throw new CaException.Refused(CaException.Kind.CONFLICT, "the certificate " + certname + " presented (serial "
                        + (presented == null ? "none" : presented.toString(16)) + ") is not one of its valid certificates: it was revoked, cleaned or has"
                        + " expired; nothing was renewed");
            }
            X509Certificate cert = issuer.issue(certname, request.csr(), TrustedFactsExtension.of(current), clock.instant(),
                    clock.instant().plus(profile.nodeLifetime()));
            ledger.issued(certname, cert);
            return cert;
        });
    }

    /** Revokes every certificate issued to the certname; it is refused from the next request on. */
    public void revoke(String certname) throws IOException, CaException {
        Certnames.require(certname);
        ledger.change(() -> {
            if (!ledger.anyUnrevoked(certname)) {
                throw new CaException("no unrevoked certificate for " + certname + " (see 'kw-master ca list')");
            }
            revocations.revokeAll(certname);
            return null;
        });
    }

    /** Revokes the node's certificates and forgets its request and certificate, so it can bootstrap again. */
    public void clean(String certname) throws IOException, CaException {
        Certnames.require(certname);
        ledger.change(() -> {
            if (ledger.anyUnrevoked(certname)) {
                revocations.revokeAll(certname);
            }
            boolean removed = ledger.removeRequest(certname) | ledger.removeCurrent(certname);
            if (!removed && ledger.inventory().stream().noneMatch(l -> l.certname().equals(certname))) {
                throw new CaException("the CA knows nothing of " + certname);
            }
            return null;
        });
    }

    /** The node's current certificate, if signed (revoked or expired ones too: see {@link #status}). */
    public Optional<X509Certificate> currentCertificate(String certname) throws IOException, CaException {
        return ledger.current(Certnames.require(certname));
    }

    public boolean pending(String certname) throws IOException, CaException {
        return requests.pending(Certnames.require(certname));
    }

    /** The key fingerprint of the pending request of {@code certname}, if it has one. */
    public Optional<String> pendingKey(String certname) throws IOException, CaException {
        return requests.pendingKey(Certnames.require(certname));
    }

    public Status status(X509Certificate cert) throws IOException {
        Optional<Inventory.Line> line = ledger.issuedAs(cert.getSerialNumber());
        if (line.isPresent() && line.get().revokedAt() != null) {
            return Status.REVOKED;
        }
        return cert.getNotAfter().toInstant().isBefore(clock.instant()) ? Status.EXPIRED : Status.SIGNED;
    }

    /** Pending requests, then certificates, sorted by certname. */
    public List<Entry> list() throws IOException, CaException {
        List<Entry> out = new ArrayList<>();
        for (CaLedger.Request r : ledger.requests()) {
            PKCS10CertificationRequest csr = Pem.request(r.pem());
            out.add(new Entry(r.certname(), Status.PENDING, SigningRequests.keyFingerprint(csr), null,
                    TrustedFactsExtension.requested(csr)));
        }
        Set<BigInteger> revoked = revokedSerials();
        for (CaLedger.Current c : ledger.currents()) {
            X509Certificate cert = c.certificate();
            Status status = revoked.contains(cert.getSerialNumber()) ? Status.REVOKED
                    : cert.getNotAfter().toInstant().isBefore(clock.instant()) ? Status.EXPIRED : Status.SIGNED;
            out.add(new Entry(c.certname(), status, Fingerprints.of(cert), cert.getNotAfter().toInstant(),
                    TrustedFactsExtension.of(cert)));
        }
        out.sort(Comparator.comparing(Entry::certname).thenComparing(Entry::status));
        return out;
    }

    /** The nodes whose every certificate is revoked (revoked or cleaned, not bootstrapped again since). */
    public Set<String> revokedNames() throws IOException {
        return ledger.revokedNames();
    }

    public Set<BigInteger> revokedSerials() throws IOException {
        return ledger.revokedSerials();
    }

    /** Changes whenever a certificate is issued or revoked, by this master or another. */
    public Object stamp() throws IOException {
        return ledger.stamp();
    }

    /** Whether the CA's state is in a database (several masters), rather than its directory. */
    public boolean inDatabase() {
        return ledger instanceof DatabaseLedger;
    }

    /** The CRL as PEM text, as published. */
    public String crlPem() throws IOException {
        return ledger.crl().orElseThrow(() -> new IOException("the CA has no CRL yet (" + ledger.describe() + ")"));
    }

    public X509CRL crl() throws IOException, CaException {
        return revocations.crl();
    }

    /** Re-signs the CRL when less than a third of its lifetime is left. */
    public boolean refreshCrlIfDue() throws IOException, CaException {
        return revocations.refreshIfDue();
    }

    /**
     * Makes sure the master's own TLS certificate exists, covers the configured names, and is not
     * within 30 days of expiry; issues a new key and certificate otherwise.
     *
     * @return true when a new certificate was written
     */
    public boolean ensureServerCertificate(Path keyFile, Path certFile, List<String> dnsNames, List<String> ips)
            throws IOException, CaException {
        recordMasterNames(dnsNames, ips);
        return server.ensure(keyFile, certFile, dnsNames, ips);
    }

    /** Records names the master's certificates carry: never given to a node from then on. */
    public void recordMasterNames(List<String> dnsNames, List<String> ips) throws IOException, CaException {
        List<String> names = new ArrayList<>(dnsNames);
        names.addAll(ips);
        ledger.change(() -> {
            ledger.addMasterNames(names);
            return null;
        });
    }

    /** A new ECDSA P-256 key pair, as the CA makes them. */
    static KeyPair newKeyPair() throws CaException {
        return Issuer.newKeyPair();
    }

    private X509Certificate issueFromRequest(String certname, Map<String, String> trusted) throws IOException, CaException {
        PKCS10CertificationRequest csr = requests.read(certname);
        X509Certificate cert = issuer.issue(certname, csr, trusted, clock.instant(), clock.instant().plus(profile.nodeLifetime()));
        ledger.issued(certname, cert);
        ledger.removeRequest(certname);
        return cert;
    }

    /** A node may never hold one of the master's own names. */
    private void requireNodeName(String certname) throws IOException, CaException {
        if (ledger.masterNames().contains(certname)) {
            throw new CaException.Refused(CaException.Kind.FORBIDDEN, certname + " is a name of the master itself; no node"
                    + " may have a certificate for it");
        }
    }

    private static Map<String, String> approved(Map<String, String> trusted) throws CaException {
        try {
            return TrustedFacts.require(trusted);
        } catch (IllegalArgumentException e) {
            throw new CaException(e.getMessage());
        }
    }
}
