package io.kraftwerk.master.serve;

import io.kraftwerk.master.ca.CaException;
import io.kraftwerk.master.ca.CertificateAuthority;
import io.kraftwerk.master.secrets.SecretsException;
import io.kraftwerk.master.secrets.SecretsKeys;
import io.kraftwerk.master.settings.MasterPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What must exist before the HTTPS server starts: the CA (created on first start), the master's
 * own certificate for the configured names (renewed when due), and the secrets key that
 * {@code ENC[...]} values are encrypted to (made with the CA, kept beside it). Returns the
 * Quarkus TLS settings that point at those files.
 */
public final class MasterSetup {
    private MasterSetup() {
    }

    public static Map<String, String> prepare(Path dataDir, List<String> names, List<String> ips)
            throws IOException, CaException {
        MasterPaths paths = new MasterPaths(dataDir);
        Files.createDirectories(dataDir);
        CertificateAuthority ca = CertificateAuthority.openOrCreate(paths.ca(), "Kraftwerk CA on " + names.get(0),
                Clock.systemUTC(), CertificateAuthority.Profile.standard());
        ca.ensureServerCertificate(paths.serverKey(), paths.serverCertificate(), names, ips);
        try {
            new SecretsKeys(paths.secrets()).currentOrCreate();
        } catch (SecretsException e) {
            throw new IOException("the master's secrets keys in " + paths.secrets() + " cannot be used: " + e.getMessage(), e);
        }
        Map<String, String> tls = new LinkedHashMap<>();
        tls.put("quarkus.tls.key-store.pem.master.cert", paths.serverCertificate().toString());
        tls.put("quarkus.tls.key-store.pem.master.key", paths.serverKey().toString());
        tls.put("quarkus.tls.trust-store.pem.certs", paths.ca().resolve("ca_crt.pem").toString());
        return tls;
    }

}
