package io.kraftwerk.master.serve;

import io.kraftwerk.master.ca.CaException;
import io.kraftwerk.master.ca.CaLedger;
import io.kraftwerk.master.ca.CertificateAuthority;
import io.kraftwerk.master.secrets.SecretsException;
import io.kraftwerk.master.secrets.SecretsKeys;
import io.kraftwerk.master.settings.MasterPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What must exist before the HTTPS server starts: the CA (created on first start; with its state in
 * a database, only its key and certificate here), the master's own certificate for the configured names (renewed when due), and the secrets key that
 * {@code ENC[...]} values are encrypted to (made with the CA, kept beside it). Returns the
 * Quarkus TLS settings that point at those files.
 */
public final class MasterSetup {
    private MasterSetup() {
    }

    /**
     * @param database    the PostgreSQL database that holds the CA's state (null: the CA directory holds it). Then only
     *                    the key and the master's certificate are made here (a new key only when the database holds no
     *                    CA), and {@link CaService} does the rest once the database is migrated
     * @param databaseUrl its URL, for messages
     */
    public static Map<String, String> prepare(Path dataDir, List<String> names, List<String> ips, CaLedger.Connections database,
                                              String databaseUrl) throws IOException, CaException {
        MasterPaths paths = new MasterPaths(dataDir);
        Files.createDirectories(dataDir);
        String caName = "Kraftwerk CA on " + names.get(0);
        if (database != null) {
            List<String> masterNames = new ArrayList<>(names);
            masterNames.addAll(ips);
            CaLedger.checkBeforeStart(paths.ca(), database, databaseUrl, masterNames);
            CertificateAuthority.serverCertificateBeforeStart(paths.ca(), caName, Clock.systemUTC(),
                    CertificateAuthority.Profile.standard(), paths.serverKey(), paths.serverCertificate(), names, ips);
        } else {
            CertificateAuthority.openOrCreate(paths.ca(), caName, Clock.systemUTC(), CertificateAuthority.Profile.standard())
                    .ensureServerCertificate(paths.serverKey(), paths.serverCertificate(), names, ips);
        }
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
