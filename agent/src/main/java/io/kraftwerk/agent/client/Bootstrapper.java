package io.kraftwerk.agent.client;

import io.kraftwerk.agent.config.AgentConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import io.kraftwerk.model.trust.TrustedFacts;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequestBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * {@code kw-agent bootstrap}: gets the node a certificate from the master's CA.
 * <ol>
 *   <li>Fetch the CA certificate. With {@code --ca-fingerprint} it must match, or nothing is
 *       trusted; without, it is trusted on first use and its fingerprint printed to compare.</li>
 *   <li>Make (or reuse) the node's key, {@code 0600}, and send a signing request carrying the
 *       bootstrap token, if any.</li>
 *   <li>Wait, bounded, for the certificate; an operator signs with {@code kw-master ca sign}.</li>
 * </ol>
 * Every later request verifies the master against that CA. Running it again continues where it
 * left off.
 */
public final class Bootstrapper {
    /** What to bootstrap. */
    public record Options(URI server, String certname, String token, String caFingerprint, Duration waitForSigning, Duration poll,
                          Path stateDir, Path configFile, Map<String, String> trusted) {
        public Options {
            trusted = trusted == null ? Map.of() : Map.copyOf(trusted);
        }
    }

    private final Options options;
    private final PrintStream out;

    public Bootstrapper(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    /** @return the exit status: 0 done, 1 not (yet) */
    public int run() throws IOException, InterruptedException, GeneralSecurityException {
        SslFiles ssl = SslFiles.in(options.stateDir());
        Files.createDirectories(ssl.dir());
        Files.setPosixFilePermissions(ssl.dir(), PosixFilePermissions.fromString("rwx------"));
        X509Certificate ca = trustCa(ssl);
        if (ca == null) {
            return 1;
        }
        KeyPair keys = keys(ssl);
        MasterClient client = new MasterClient(options.server(), Tls.context(ssl.ca(), null, null), Duration.ofSeconds(30),
                MasterClient.Retry.standard());
        String path = "/v1/ca/certificates/" + options.certname();
        MasterClient.Answer answer = client.get(path);
        if (answer.status() != 200 && answer.status() != 410) {
            MasterClient.Answer sent = client.send("PUT", "/v1/ca/requests/" + options.certname(), "application/x-pem-file",
                    csr(keys).getBytes(StandardCharsets.US_ASCII), Map.of());
            if (sent.status() != 200 && sent.status() != 202) {
                out.println("kw-agent bootstrap: the master refused the request (" + sent.status() + "): " + sent.reason());
                return 1;
            }
            out.println("kw-agent bootstrap: request sent for " + options.certname() + " (" + sent.reason() + ")");
            if (sent.status() == 202) {
                // what the operator compares before signing: 'kw-master ca list' shows the same
                out.println("kw-agent bootstrap: the request's key fingerprint is " + keyFingerprint(keys)
                        + "; the operator signs it with: kw-master ca sign " + options.certname() + " --fingerprint "
                        + keyFingerprint(keys));
            }
            long deadline = System.nanoTime() + options.waitForSigning().toNanos();
            answer = client.get(path);
            while ((answer.status() == 404 || answer.status() == 429) && System.nanoTime() < deadline) {
                Thread.sleep(answer.status() == 429 ? retryAfter(answer, options.poll()).toMillis() : options.poll().toMillis());
                answer = client.get(path);
            }
        }
        if (answer.status() == 410) {
            out.println("kw-agent bootstrap: the master's certificate for " + options.certname() + " is revoked or expired: "
                    + answer.reason() + ". The name is not enrolled again until an operator runs 'kw-master ca clean "
                    + options.certname() + "'; then run kw-agent bootstrap again.");
            return 1;
        }
        if (answer.status() == 404 || answer.status() == 429) {
            // the master's answer says what it waits for (for a pending request: the 'ca sign' of this key)
            out.println("kw-agent bootstrap: no certificate yet after " + options.waitForSigning().toSeconds() + " s: " + answer.reason()
                    + ". Once an operator has signed it, run kw-agent bootstrap again (it keeps its key and request).");
            return 1;
        }
        if (answer.status() != 200) {
            out.println("kw-agent bootstrap: the master answered " + answer.status() + " for the certificate: " + answer.reason());
            return 1;
        }
        X509Certificate cert = Tls.certificate(answer.text());
        if (!cert.getPublicKey().equals(keys.getPublic())) {
            out.println("kw-agent bootstrap: the master holds a certificate for " + options.certname() + " with another key;"
                    + " if this node was reinstalled, ask an operator for 'kw-master ca clean " + options.certname() + "'");
            return 1;
        }
        cert.verify(ca.getPublicKey());
        Files.writeString(ssl.certificate(), answer.text(), StandardCharsets.US_ASCII);
        new AgentConfig(options.server(), options.certname(), null, Duration.ofMinutes(30), options.stateDir())
                .save(options.configFile());
        out.println("kw-agent bootstrap: " + options.certname() + " has its certificate (valid until "
                + cert.getNotAfter().toInstant() + "); settings written to " + options.configFile());
        return 0;
    }

    private X509Certificate trustCa(SslFiles ssl) throws IOException, InterruptedException, GeneralSecurityException {
        if (Files.exists(ssl.ca())) {
            // trusted by an earlier bootstrap; a fingerprint given now must still match it
            X509Certificate kept = Tls.certificate(Files.readString(ssl.ca()));
            if (options.caFingerprint() != null && !normalize(options.caFingerprint()).equals(normalize(fingerprint(kept)))) {
                out.println("kw-agent bootstrap: " + ssl.ca() + " holds a CA with fingerprint " + fingerprint(kept) + ", not "
                        + options.caFingerprint() + " as given with --ca-fingerprint; if the master's CA really changed, remove "
                        + ssl.dir() + " and bootstrap again");
                return null;
            }
            return kept;
        }
        MasterClient insecure = new MasterClient(options.server(), trustEverything(), Duration.ofSeconds(30),
                MasterClient.Retry.standard());
        MasterClient.Answer answer = insecure.get("/v1/ca/certificate");
        if (answer.status() != 200) {
            out.println("kw-agent bootstrap: " + options.server() + " did not give its CA certificate: " + answer.status()
                    + " " + answer.reason());
            return null;
        }
        X509Certificate ca = Tls.certificate(answer.text());
        String fingerprint = fingerprint(ca);
        if (options.caFingerprint() != null) {
            if (!normalize(options.caFingerprint()).equals(normalize(fingerprint))) {
                out.println("kw-agent bootstrap: refusing the master's CA: its fingerprint is " + fingerprint + ", not "
                        + options.caFingerprint() + " as given with --ca-fingerprint");
                return null;
            }
        } else {
            out.println("kw-agent bootstrap: trusting the master's CA on first use: " + fingerprint
                    + " (compare with 'kw-master ca list' on the master, or pass --ca-fingerprint next time)");
        }
        Files.writeString(ssl.ca(), answer.text(), StandardCharsets.US_ASCII);
        return ca;
    }

    private static KeyPair keys(SslFiles ssl) throws IOException, GeneralSecurityException {
        if (Files.exists(ssl.key()) && Files.exists(ssl.dir().resolve("public_key.der"))) {
            PrivateKey priv = Tls.privateKey(Files.readString(ssl.key()));
            PublicKey pub = KeyFactory.getInstance("EC")
                    .generatePublic(new X509EncodedKeySpec(Files.readAllBytes(ssl.dir().resolve("public_key.der"))));
            return new KeyPair(pub, priv);
        }
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = generator.generateKeyPair();
        String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(pair.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
        Files.deleteIfExists(ssl.key());
        Files.createFile(ssl.key(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(ssl.key(), pem, StandardCharsets.US_ASCII);
        Files.write(ssl.dir().resolve("public_key.der"), pair.getPublic().getEncoded());
        return pair;
    }

    private String csr(KeyPair keys) throws IOException {
        return csr(options.certname(), options.token(), options.trusted(), keys);
    }

    /** A PKCS#10 request for {@code CN=certname}, with the token as its challengePassword. */
    public static String csr(String certname, String token, KeyPair keys) throws IOException {
        return csr(certname, token, Map.of(), keys);
    }

    /**
     * A PKCS#10 request for {@code CN=certname}, with the token as its challengePassword and the
     * trusted facts it asks for in an extension request (the CA's operator approves them).
     */
    public static String csr(String certname, String token, Map<String, String> trusted, KeyPair keys) throws IOException {
        try {
            PKCS10CertificationRequestBuilder builder = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=" + certname),
                    keys.getPublic());
            if (token != null) {
                builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_challengePassword, new DERPrintableString(token));
            }
            if (!trusted.isEmpty()) {
                builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, new Extensions(trustedFacts(trusted)));
            }
            StringWriter pem = new StringWriter();
            try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
                writer.writeObject(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
            }
            return pem.toString();
        } catch (OperatorCreationException e) {
            throw new IOException("cannot sign the certificate request: " + e.getMessage(), e);
        }
    }

    /** SHA-256 of the public key (SubjectPublicKeyInfo), as 'kw-master ca list' shows a pending request. */
    static String keyFingerprint(KeyPair keys) throws GeneralSecurityException {
        return "SHA256:" + HexFormat.ofDelimiter(":").withUpperCase().formatHex(
                MessageDigest.getInstance("SHA-256").digest(keys.getPublic().getEncoded()));
    }

    private static Extension trustedFacts(Map<String, String> trusted) throws IOException {
        ASN1EncodableVector pairs = new ASN1EncodableVector();
        new TreeMap<>(trusted).forEach((k, v) -> pairs.add(new DERSequence(new ASN1Encodable[] {
            new DERUTF8String(k), new DERUTF8String(v)})));
        return new Extension(new ASN1ObjectIdentifier(TrustedFacts.OID), false, new DERSequence(pairs).getEncoded());
    }

    private static Duration retryAfter(MasterClient.Answer answer, Duration otherwise) {
        return answer.header("Retry-After").filter(v -> v.matches("[0-9]{1,4}")).map(v -> Duration.ofSeconds(Long.parseLong(v)))
                .orElse(otherwise);
    }

    static String fingerprint(X509Certificate cert) throws GeneralSecurityException {
        return "SHA256:" + HexFormat.ofDelimiter(":").withUpperCase().formatHex(
                MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
    }

    private static String normalize(String fingerprint) {
        return fingerprint.toUpperCase().replace("SHA256:", "").replace(":", "").strip();
    }

    /** Only to fetch the CA certificate itself, which is then checked by fingerprint or shown. */
    private static SSLContext trustEverything() throws GeneralSecurityException {
        X509ExtendedTrustManager any = new X509ExtendedTrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {any}, null);
        return context;
    }
}
