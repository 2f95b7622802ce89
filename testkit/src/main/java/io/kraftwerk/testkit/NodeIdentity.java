package io.kraftwerk.testkit;

import io.kraftwerk.master.ca.CertificateAuthority;
import io.kraftwerk.master.ca.Pem;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Map;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A node's TLS identity for talking to a master from a test or a load generator: a key and
 * certificate from a CA (the master's, or a stranger's), and trust in the master's CA.
 */
public record NodeIdentity(String certname, PrivateKey key, X509Certificate certificate, X509Certificate trustedCa) {

    /** Issues an identity from the CA in {@code caDir} (the master's DATA/ca), as {@code kw-master ca generate} does. */
    public static NodeIdentity issue(Path caDir, String certname) throws Exception {
        return issue(caDir, certname, Clock.systemUTC(), CertificateAuthority.Profile.standard());
    }

    /** The same with another clock and lifetimes: a clock in the past and a short lifetime make an expired certificate. */
    public static NodeIdentity issue(Path caDir, String certname, Clock clock, CertificateAuthority.Profile profile) throws Exception {
        return issue(caDir, certname, clock, profile, Map.of());
    }

    /** The same with trusted facts in the certificate, as {@code kw-master ca generate --trusted} puts them. */
    public static NodeIdentity issue(Path caDir, String certname, Clock clock, CertificateAuthority.Profile profile,
                                     Map<String, String> trusted) throws Exception {
        return issue(CertificateAuthority.openOrCreate(caDir, "unused", clock, profile), certname, trusted);
    }

    /** Issues an identity from {@code ca} (opened on the CA's database, for masters that keep it there). */
    public static NodeIdentity issue(CertificateAuthority ca, String certname, Map<String, String> trusted) throws Exception {
        CertificateAuthority.Generated g = ca.generate(certname, trusted);
        return new NodeIdentity(certname, g.key(), g.certificate(), ca.certificate());
    }

    /** The same key and certificate, trusting another CA as the master's. */
    public NodeIdentity trusting(X509Certificate ca) {
        return new NodeIdentity(certname, key, certificate, ca);
    }

    /**
     * Presents this certificate — always, even to a server that asks for another CA's, as a
     * careless or hostile client would (the JDK's own key manager would quietly send none) — and
     * trusts only the master's CA.
     */
    public SSLContext sslContext() throws GeneralSecurityException, IOException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(new KeyManager[] {new AlwaysPresent()}, trustOnly(trustedCa).getTrustManagers(), null);
        return context;
    }

    private final class AlwaysPresent extends X509ExtendedKeyManager {
        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return "node";
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return "node";
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return new X509Certificate[] {certificate};
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return key;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return new String[] {"node"};
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return new String[0];
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }
    }

    /** Presents no certificate (a node before bootstrap), trusting only the master's CA. */
    public static SSLContext anonymous(X509Certificate masterCa) throws GeneralSecurityException, IOException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trustOnly(masterCa).getTrustManagers(), null);
        return context;
    }

    public static X509Certificate readCertificate(Path pem) throws Exception {
        return Pem.certificate(Files.readString(pem));
    }

    /** Writes the files kw-agent keeps in STATE/ssl: private_key.pem (0600), cert.pem, ca.pem. */
    public void writeAgentSsl(Path sslDir) throws IOException {
        Files.createDirectories(sslDir);
        Path keyFile = sslDir.resolve("private_key.pem");
        Files.deleteIfExists(keyFile);
        Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(keyFile, Pem.bytes(key));
        Files.write(sslDir.resolve("cert.pem"), Pem.bytes(certificate));
        Files.write(sslDir.resolve("ca.pem"), Pem.bytes(trustedCa));
    }

    private static TrustManagerFactory trustOnly(X509Certificate ca) throws GeneralSecurityException, IOException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        return tmf;
    }
}
