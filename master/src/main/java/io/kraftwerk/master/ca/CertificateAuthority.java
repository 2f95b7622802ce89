package io.kraftwerk.master.ca;

import io.kraftwerk.model.trust.TrustedFacts;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
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
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/**
 * The master's certificate authority, kept in one directory:
 * <pre>
 *   ca_key.pem      the CA's private key (0600)
 *   ca_crt.pem      the CA certificate agents trust
 *   crl.pem         revoked serials, signed, renewed before its next update
 *   inventory.tsv   every certificate ever issued: serial, certname, validity, revocation
 *   requests/NAME.pem   certificate signing requests waiting for 'kw-master ca sign'
 *   signed/NAME.pem     the current certificate of each node
 * </pre>
 * Keys are ECDSA P-256. Changes take a lock on {@code ca.lock}, so the CLI and a running master
 * can both use the directory.
 */
public final class CertificateAuthority {
    private static final String SIGNATURE = "SHA256withECDSA";
    private static final ReentrantLock IN_PROCESS = new ReentrantLock();
    private static final SecureRandom RANDOM = new SecureRandom();

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

    /** A signing request as the CA checked it. */
    private record Checked(PKCS10CertificationRequest csr, String token, Map<String, String> trusted, String keyFingerprint) {
    }

    /** What happened to a submitted request. */
    public record Submission(Status status, String message) {
    }

    private final Path dir;
    private final Clock clock;
    private final Profile profile;
    private final PrivateKey caKey;
    private final X509Certificate caCertificate;

    private CertificateAuthority(Path dir, Clock clock, Profile profile, PrivateKey caKey, X509Certificate caCertificate) {
        this.dir = dir;
        this.clock = clock;
        this.profile = profile;
        this.caKey = caKey;
        this.caCertificate = caCertificate;
    }

    /** Opens the CA in {@code dir}, creating it (key, certificate, empty CRL) on first use. */
    public static CertificateAuthority openOrCreate(Path dir, String caName, Clock clock, Profile profile)
            throws IOException, CaException {
        Files.createDirectories(dir);
        setMode(dir, "rwx------");
        return withLock(dir, () -> {
            Path key = dir.resolve("ca_key.pem");
            Path cert = dir.resolve("ca_crt.pem");
            if (Files.exists(key) && Files.exists(cert)) {
                CertificateAuthority ca = new CertificateAuthority(dir, clock, profile,
                        Pem.privateKey(Files.readString(key)), Pem.certificate(Files.readString(cert)));
                if (!Files.exists(dir.resolve("crl.pem"))) {
                    ca.writeCrl();
                }
                return ca;
            }
            if (Files.exists(key) || Files.exists(cert)) {
                throw new CaException(dir + " has only one of ca_key.pem and ca_crt.pem; restore both from a backup,"
                        + " or move the directory away to create a new CA (every node must then bootstrap again)");
            }
            KeyPair pair = newKeyPair();
            Instant now = clock.instant();
            X500Name subject = new X500Name("CN=" + caName);
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(profile.caLifetime())), subject, pair.getPublic());
            JcaX509ExtensionUtils ext = extensions();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            builder.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
            X509Certificate caCert = sign(builder, pair.getPrivate());
            writeSecret(key, Pem.bytes(pair.getPrivate()));
            writeAtomically(cert, Pem.bytes(caCert));
            CertificateAuthority ca = new CertificateAuthority(dir, clock, profile, pair.getPrivate(), caCert);
            ca.writeCrl();
            return ca;
        });
    }

    public X509Certificate certificate() {
        return caCertificate;
    }

    public Path directory() {
        return dir;
    }

    /** The date an operator should plan the CA's replacement: a year before it expires. */
    public Instant attentionDate() {
        return caCertificate.getNotAfter().toInstant().minus(Duration.ofDays(365));
    }

    /**
     * Takes a node's request. It is signed at once when the policy says so; otherwise it waits for
     * {@code ca sign}. Refused: a name of the master's; a name with a certificate (valid, revoked or
     * expired: an operator must clean it first); a name with a pending request for another key;
     * a new request when {@code maxPending} are waiting already.
     */
    public Submission submit(String certname, String csrPem, AutosignPolicy policy, int maxPending) throws IOException, CaException {
        Certnames.require(certname);
        Checked request = checkRequest(certname, Pem.request(csrPem));
        return withLock(dir, () -> {
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
            Path pendingFile = requestFile(certname);
            if (Files.exists(pendingFile)) {
                String pendingKey = keyFingerprint(Pem.request(Files.readString(pendingFile)));
                if (!pendingKey.equals(request.keyFingerprint())) {
                    throw new CaException.Refused(CaException.Kind.CONFLICT, certname + " already has a pending request for"
                            + " another key (" + pendingKey + "); if that request is not the node's, an operator clears it with"
                            + " 'kw-master ca clean " + certname + "'");
                }
            } else if (countPending() >= maxPending) {
                throw new CaException.Refused(CaException.Kind.FULL, "the CA holds " + maxPending + " pending requests, as many as"
                        + " it takes; try again later (operators: sign or clean them, or raise kraftwerk.master.max-pending-requests)");
            }
            writeAtomically(pendingFile, Pem.bytes(request.csr()));
            AutosignPolicy.Decision decision = policy.decide(certname, request.token(), request.trusted());
            if (!decision.signs()) {
                // the operator signs exactly this key: what the agent printed and 'ca list' shows
                return new Submission(Status.PENDING, decision.reason() + " --fingerprint " + request.keyFingerprint());
            }
            issueFromRequest(certname, request.trusted());
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
        return withLock(dir, () -> {
            requireNodeName(certname);
            Path request = requestFile(certname);
            if (!Files.exists(request)) {
                throw new CaException("no pending request for " + certname + " (see 'kw-master ca list')");
            }
            PKCS10CertificationRequest csr = Pem.request(Files.readString(request));
            if (fingerprint != null && !Fingerprints.same(fingerprint, keyFingerprint(csr))) {
                throw new CaException("the pending request of " + certname + " is for key " + keyFingerprint(csr) + ", not "
                        + fingerprint + "; it was not signed (if it is not the node's request, run 'kw-master ca clean "
                        + certname + "' and have the node bootstrap again)");
            }
            Map<String, String> facts = new TreeMap<>(TrustedFactsExtension.requested(csr));
            facts.putAll(trusted);
            return issueFromRequest(certname, approved(facts));
        });
    }

    /** A key made here and the certificate issued for it. */
    public record Generated(PrivateKey key, X509Certificate certificate) {
    }

    /**
     * Makes a node's key on the CA host and signs its certificate at once, for provisioning
     * (images, test fleets) where the node cannot run bootstrap itself. The key leaves the CA
     * host: hand it over as carefully as the node's own would be kept.
     */
    public Generated generate(String certname, Map<String, String> trusted) throws IOException, CaException {
        Certnames.require(certname);
        KeyPair pair = newKeyPair();
        return withLock(dir, () -> {
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
            X509Certificate cert = issue(certname, pair.getPublic(), approved(trusted), clock.instant(),
                    clock.instant().plus(profile.nodeLifetime()));
            writeAtomically(signedFile(certname), Pem.bytes(cert));
            Files.deleteIfExists(requestFile(certname));
            return new Generated(pair.getPrivate(), cert);
        });
    }

    /**
     * Issues a fresh certificate to a node that proved who it is with its current, valid
     * certificate (renewal before expiry); no operator needed. The new certificate carries the
     * trusted facts of the current one, whatever the request asks for: a node cannot change them.
     */
    public X509Certificate renew(String certname, String csrPem) throws IOException, CaException {
        Certnames.require(certname);
        Checked request = checkRequest(certname, Pem.request(csrPem));
        return withLock(dir, () -> {
            X509Certificate current = currentCertificate(certname).orElseThrow(() -> new CaException.Refused(
                    CaException.Kind.CONFLICT, "the CA has no certificate for " + certname + " to renew; bootstrap it"));
            X509Certificate cert = issue(certname, request.csr(), TrustedFactsExtension.of(current), clock.instant(),
                    clock.instant().plus(profile.nodeLifetime()));
            writeAtomically(signedFile(certname), Pem.bytes(cert));
            return cert;
        });
    }

    /** Revokes every certificate issued to the certname; it is refused from the next request on. */
    public void revoke(String certname) throws IOException, CaException {
        Certnames.require(certname);
        withLock(dir, () -> {
            List<Inventory.Line> lines = Inventory.read(dir);
            boolean any = false;
            for (Inventory.Line line : lines) {
                if (line.certname().equals(certname) && line.revokedAt() == null) {
                    any = true;
                }
            }
            if (!any) {
                throw new CaException("no unrevoked certificate for " + certname + " (see 'kw-master ca list')");
            }
            Inventory.markRevoked(dir, certname, clock.instant());
            writeCrl();
            return null;
        });
    }

    /** Revokes the node's certificates and forgets its request and certificate, so it can bootstrap again. */
    public void clean(String certname) throws IOException, CaException {
        Certnames.require(certname);
        withLock(dir, () -> {
            if (Inventory.read(dir).stream().anyMatch(l -> l.certname().equals(certname) && l.revokedAt() == null)) {
                Inventory.markRevoked(dir, certname, clock.instant());
                writeCrl();
            }
            boolean removed = Files.deleteIfExists(requestFile(certname)) | Files.deleteIfExists(signedFile(certname));
            if (!removed && Inventory.read(dir).stream().noneMatch(l -> l.certname().equals(certname))) {
                throw new CaException("the CA knows nothing of " + certname);
            }
            return null;
        });
    }

    /** The node's current certificate, if signed (revoked or expired ones too: see {@link #status}). */
    public Optional<X509Certificate> currentCertificate(String certname) throws IOException, CaException {
        Path file = signedFile(Certnames.require(certname));
        return Files.exists(file) ? Optional.of(Pem.certificate(Files.readString(file))) : Optional.empty();
    }

    public boolean pending(String certname) throws CaException {
        return Files.exists(requestFile(Certnames.require(certname)));
    }

    /** The key fingerprint of the pending request of {@code certname}, if it has one. */
    public Optional<String> pendingKey(String certname) throws IOException, CaException {
        Path file = requestFile(Certnames.require(certname));
        try {
            return Optional.of(keyFingerprint(Pem.request(Files.readString(file))));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    public Status status(X509Certificate cert) throws IOException {
        if (revokedSerials().contains(cert.getSerialNumber())) {
            return Status.REVOKED;
        }
        return cert.getNotAfter().toInstant().isBefore(clock.instant()) ? Status.EXPIRED : Status.SIGNED;
    }

    /** Pending requests, then certificates, sorted by certname. */
    public List<Entry> list() throws IOException, CaException {
        List<Entry> out = new ArrayList<>();
        for (Path p : files("requests")) {
            String name = nameOf(p);
            PKCS10CertificationRequest csr = Pem.request(Files.readString(p));
            out.add(new Entry(name, Status.PENDING, keyFingerprint(csr), null, TrustedFactsExtension.requested(csr)));
        }
        for (Path p : files("signed")) {
            X509Certificate cert = Pem.certificate(Files.readString(p));
            out.add(new Entry(nameOf(p), status(cert), Fingerprints.of(cert), cert.getNotAfter().toInstant(),
                    TrustedFactsExtension.of(cert)));
        }
        out.sort(Comparator.comparing(Entry::certname).thenComparing(Entry::status));
        return out;
    }

    public Set<BigInteger> revokedSerials() throws IOException {
        Set<BigInteger> out = new HashSet<>();
        for (Inventory.Line line : Inventory.read(dir)) {
            if (line.revokedAt() != null) {
                out.add(line.serial());
            }
        }
        return out;
    }

    public X509CRL crl() throws IOException, CaException {
        return Pem.crl(Files.readString(dir.resolve("crl.pem")));
    }

    /** Re-signs the CRL when less than a third of its lifetime is left. */
    public boolean refreshCrlIfDue() throws IOException, CaException {
        X509CRL crl = crl();
        Instant next = crl.getNextUpdate().toInstant();
        if (Duration.between(clock.instant(), next).compareTo(profile.crlLifetime().dividedBy(3)) > 0) {
            return false;
        }
        withLock(dir, () -> {
            writeCrl();
            return null;
        });
        return true;
    }

    /**
     * Makes sure the master's own TLS certificate exists, covers the configured names, and is not
     * within 30 days of expiry; issues a new key and certificate otherwise.
     *
     * @return true when a new certificate was written
     */
    public boolean ensureServerCertificate(Path keyFile, Path certFile, List<String> dnsNames, List<String> ips)
            throws IOException, CaException {
        List<String> names = new ArrayList<>(dnsNames);
        ips.forEach(names::add);
        withLock(dir, () -> {
            MasterNames.add(dir, names);
            return null;
        });
        if (Files.exists(certFile) && Files.exists(keyFile)) {
            X509Certificate current = Pem.certificate(Files.readString(certFile));
            boolean fresh = current.getNotAfter().toInstant().isAfter(clock.instant().plus(Duration.ofDays(30)));
            if (fresh && ServerNames.of(current).equals(ServerNames.wanted(dnsNames, ips))) {
                return false;
            }
        }
        KeyPair pair = newKeyPair();
        Instant now = clock.instant();
        X500Name subject = new X500Name("CN=" + dnsNames.get(0));
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(caCertificate, serial(),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(profile.serverLifetime())), subject, pair.getPublic());
        List<GeneralName> altNames = new ArrayList<>();
        dnsNames.forEach(n -> altNames.add(new GeneralName(GeneralName.dNSName, n)));
        ips.forEach(ip -> altNames.add(new GeneralName(GeneralName.iPAddress, ip)));
        addLeafExtensions(builder, pair.getPublic(), KeyPurposeId.id_kp_serverAuth);
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(altNames.toArray(GeneralName[]::new)));
        X509Certificate cert = sign(builder, caKey);
        writeSecret(keyFile, Pem.bytes(pair.getPrivate()));
        writeAtomically(certFile, (Pem.write(cert) + Pem.write(caCertificate)).getBytes(StandardCharsets.US_ASCII));
        return true;
    }

    /** Issues a certificate for the request's key with an explicit validity window. */
    X509Certificate issue(String certname, PKCS10CertificationRequest csr, Map<String, String> trusted, Instant notBefore,
                          Instant notAfter) throws CaException, IOException {
        try {
            return issue(certname, new JcaPKCS10CertificationRequest(csr).setProvider(Pem.BC).getPublicKey(), trusted, notBefore,
                    notAfter);
        } catch (GeneralSecurityException e) {
            throw new CaException("cannot read the request's public key: " + e.getMessage());
        }
    }

    private X509Certificate issue(String certname, PublicKey key, Map<String, String> trusted, Instant notBefore, Instant notAfter)
            throws CaException, IOException {
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(caCertificate, serial(),
                Date.from(notBefore.minus(Duration.ofHours(1))), Date.from(notAfter), new X500Name("CN=" + certname), key);
        addLeafExtensions(builder, key, KeyPurposeId.id_kp_clientAuth);
        builder.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(new GeneralName(GeneralName.dNSName, certname)));
        if (!trusted.isEmpty()) {
            builder.addExtension(TrustedFactsExtension.extension(trusted));
        }
        X509Certificate cert = sign(builder, caKey);
        Inventory.append(dir, new Inventory.Line(cert.getSerialNumber(), certname, cert.getNotBefore().toInstant(),
                cert.getNotAfter().toInstant(), null));
        return cert;
    }

    private X509Certificate issueFromRequest(String certname, Map<String, String> trusted) throws IOException, CaException {
        Path request = requestFile(certname);
        PKCS10CertificationRequest csr = Pem.request(Files.readString(request));
        X509Certificate cert = issue(certname, csr, trusted, clock.instant(), clock.instant().plus(profile.nodeLifetime()));
        writeAtomically(signedFile(certname), Pem.bytes(cert));
        Files.delete(request);
        return cert;
    }

    /** A node may never hold one of the master's own names. */
    private void requireNodeName(String certname) throws IOException, CaException {
        if (MasterNames.read(dir).contains(certname)) {
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

    private int countPending() throws IOException {
        return files("requests").size();
    }

    /** The fingerprint operators compare: SHA-256 of the request's public key (SubjectPublicKeyInfo). */
    static String keyFingerprint(PKCS10CertificationRequest csr) throws CaException {
        try {
            return Fingerprints.of(csr.getSubjectPublicKeyInfo().getEncoded());
        } catch (IOException e) {
            throw new CaException("the request's public key cannot be encoded: " + e.getMessage());
        }
    }

    /** Checks the request is well signed, for this certname, with an acceptable key and readable trusted facts. */
    private static Checked checkRequest(String certname, PKCS10CertificationRequest csr) throws CaException {
        try {
            if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().setProvider(Pem.BC).build(csr.getSubjectPublicKeyInfo()))) {
                throw new CaException("the request's signature does not verify");
            }
        } catch (OperatorCreationException | PKCSException e) {
            throw new CaException("the request's signature cannot be checked: " + e.getMessage());
        }
        RDN[] cns = csr.getSubject().getRDNs(BCStyle.CN);
        String cn = cns.length == 1 ? IETFUtils.valueToString(cns[0].getFirst().getValue()) : null;
        if (!certname.equals(cn)) {
            throw new CaException("the request is for CN=" + cn + ", not " + certname);
        }
        try {
            PublicKey key = new JcaPKCS10CertificationRequest(csr).setProvider(Pem.BC).getPublicKey();
            boolean strong = key instanceof ECPublicKey ec ? ec.getParams().getCurve().getField().getFieldSize() >= 256
                    : key instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() >= 2048;
            if (!strong) {
                throw new CaException("the request's key is too weak: use ECDSA P-256 or better, or RSA of 2048 bits or more");
            }
        } catch (GeneralSecurityException e) {
            throw new CaException("the request's public key is unreadable: " + e.getMessage());
        }
        var attributes = csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_challengePassword);
        String token = null;
        if (attributes.length > 0) {
            ASN1Encodable value = attributes[0].getAttrValues().getObjectAt(0);
            token = value instanceof DERUTF8String s ? s.getString() : value instanceof DERPrintableString p ? p.getString()
                    : value.toString();
        }
        return new Checked(csr, token, TrustedFactsExtension.requested(csr), keyFingerprint(csr));
    }

    private void writeCrl() throws IOException, CaException {
        Instant now = clock.instant();
        X509v2CRLBuilder builder = new X509v2CRLBuilder(new X500Name(caCertificate.getSubjectX500Principal().getName()),
                Date.from(now));
        builder.setNextUpdate(Date.from(now.plus(profile.crlLifetime())));
        for (Inventory.Line line : Inventory.read(dir)) {
            if (line.revokedAt() != null) {
                builder.addCRLEntry(line.serial(), Date.from(line.revokedAt()), CRLReason.unspecified);
            }
        }
        try {
            builder.addExtension(Extension.cRLNumber, false, new CRLNumber(BigInteger.valueOf(now.toEpochMilli())));
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    extensions().createAuthorityKeyIdentifier(caCertificate));
            ContentSigner signer = new JcaContentSignerBuilder(SIGNATURE).build(caKey);
            X509CRLHolder holder = builder.build(signer);
            writeAtomically(dir.resolve("crl.pem"), Pem.bytes(new JcaX509CRLConverter().getCRL(holder)));
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

    private Path requestFile(String certname) {
        return dir.resolve("requests").resolve(certname + ".pem");
    }

    private Path signedFile(String certname) {
        return dir.resolve("signed").resolve(certname + ".pem");
    }

    private List<Path> files(String sub) throws IOException {
        Path d = dir.resolve(sub);
        if (!Files.isDirectory(d)) {
            return List.of();
        }
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(d, "*.pem")) {
            s.forEach(out::add);
        }
        return out;
    }

    private static String nameOf(Path p) {
        String f = p.getFileName().toString();
        return f.substring(0, f.length() - ".pem".length());
    }

    static void writeAtomically(Path target, byte[] content) throws IOException {
        Files.createDirectories(target.getParent());
        Path temp = target.resolveSibling(".tmp-" + target.getFileName());
        Files.write(temp, content);
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Keys are written 0600 from the first byte. */
    static void writeSecret(Path target, byte[] content) throws IOException {
        Files.createDirectories(target.getParent());
        Path temp = target.resolveSibling(".tmp-" + target.getFileName());
        Files.deleteIfExists(temp);
        Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(temp, content);
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void setMode(Path p, String mode) throws IOException {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
    }

    /** Work that must not interleave with another process or thread changing the CA. */
    interface Locked<T> {
        T run() throws IOException, CaException;
    }

    static <T> T withLock(Path dir, Locked<T> work) throws IOException, CaException {
        IN_PROCESS.lock();
        try (FileChannel channel = FileChannel.open(dir.resolve("ca.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = channel.lock()) {
            return work.run();
        } finally {
            IN_PROCESS.unlock();
        }
    }
}
