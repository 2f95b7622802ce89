package io.kraftwerk.master.serve;

import io.kraftwerk.master.ca.AutosignPolicy;
import io.kraftwerk.master.ca.CaException;
import io.kraftwerk.master.ca.CertificateAuthority;
import io.kraftwerk.master.settings.MasterConfig;
import io.kraftwerk.master.settings.MasterPaths;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * The CA as the running master uses it. Revocations made with {@code kw-master ca revoke} (another
 * process) are seen on the next request: the revoked serials are re-read whenever the inventory
 * file changes. Hourly, the CRL and the master's certificate are renewed when due (the TLS layer
 * reloads the certificate files by itself).
 */
@ApplicationScoped
public class CaService {
    private static final Logger LOG = Logger.getLogger(CaService.class);

    @Inject
    MasterConfig config;

    private CertificateAuthority ca;
    private volatile Set<BigInteger> revoked = Set.of();
    private volatile FileTime revokedStamp = FileTime.fromMillis(-1);
    private volatile Set<String> revokedNames = Set.of();
    private volatile FileTime namesStamp = FileTime.fromMillis(-1);
    private volatile Instant namesReadAt = Instant.EPOCH;

    @PostConstruct
    void init() throws IOException, CaException {
        ca = CertificateAuthority.openOrCreate(new MasterPaths(config.dataDir()).ca(), "Kraftwerk CA on "
                + config.serverNames().get(0), Clock.systemUTC(), CertificateAuthority.Profile.standard());
    }

    public CertificateAuthority ca() {
        return ca;
    }

    public AutosignPolicy autosign() {
        return new AutosignPolicy(config.autosignToken().orElse(null), config.autosignGlobs().orElse(List.of()));
    }

    public boolean isRevoked(BigInteger serial) throws IOException {
        Path inventory = ca.directory().resolve("inventory.tsv");
        FileTime stamp = Files.exists(inventory) ? Files.getLastModifiedTime(inventory) : FileTime.fromMillis(0);
        if (!stamp.equals(revokedStamp)) {
            synchronized (this) {
                revoked = ca.revokedSerials();
                revokedStamp = stamp;
            }
        }
        return revoked.contains(serial);
    }

    /**
     * The nodes whose every certificate is revoked ({@code ca revoke}, {@code ca clean}, by this master or
     * another, or the CLI): read again when the inventory changed, or changed within the last two seconds (a
     * second change may share a coarse timestamp). Empty when the inventory cannot be read.
     */
    public Set<String> revokedNames() {
        try {
            Path inventory = ca.directory().resolve("inventory.tsv");
            FileTime stamp = Files.exists(inventory) ? Files.getLastModifiedTime(inventory) : FileTime.fromMillis(0);
            Instant now = Instant.now();
            // within two seconds of a change, again at most four times a second (not on every catalog request)
            boolean recent = stamp.toInstant().isAfter(now.minusSeconds(2)) && now.isAfter(namesReadAt.plusMillis(250));
            if (!stamp.equals(namesStamp) || recent) {
                synchronized (this) {
                    namesReadAt = now;
                    Set<String> names = ca.revokedNames();
                    if (!names.equals(revokedNames)) {
                        revokedNames = Set.copyOf(names);
                    }
                    namesStamp = stamp;
                }
            }
        } catch (IOException e) {
            LOG.warnf("cannot read the CA's inventory to leave revoked nodes out of the fleet: %s", e.getMessage());
        }
        return revokedNames;
    }

    @Scheduled(every = "1h", delayed = "1m")
    void maintain() {
        try {
            if (ca.refreshCrlIfDue()) {
                LOG.info("the CRL was re-signed before its next update");
            }
            MasterPaths paths = new MasterPaths(config.dataDir());
            if (ca.ensureServerCertificate(paths.serverKey(), paths.serverCertificate(), config.serverNames(),
                    config.serverIps().orElse(List.of()))) {
                LOG.info("the master's certificate was renewed");
            }
        } catch (IOException | CaException e) {
            LOG.errorf("CA maintenance failed: %s", e.getMessage());
        }
    }
}
