package io.kraftwerk.master.serve;

import io.kraftwerk.master.ca.AutosignPolicy;
import io.agroal.api.AgroalDataSource;
import io.kraftwerk.master.ca.CaException;
import io.kraftwerk.master.ca.CaLedger;
import io.kraftwerk.master.ca.CertificateAuthority;
import io.kraftwerk.master.settings.DatabaseSettings;
import io.kraftwerk.master.settings.MasterConfig;
import io.kraftwerk.master.settings.MasterPaths;
import io.kraftwerk.master.store.Database;
import io.quarkus.agroal.DataSource;
import io.quarkus.arc.InjectableInstance;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * The CA as the running master uses it. Revocations made with {@code kw-master ca revoke} (another
 * process) or by another master are seen on the next request when the CA is a directory (its
 * inventory's time changes), and within a second when it is in the database (read once a second). Hourly, the CRL and the master's certificate are renewed when due (the TLS layer
 * reloads the certificate files by itself).
 */
@Startup
@ApplicationScoped
public class CaService {
    private static final Logger LOG = Logger.getLogger(CaService.class);

    @Inject
    MasterConfig config;

    @Inject
    Database database;

    @Inject
    @DataSource(DatabaseSettings.POSTGRESQL)
    InjectableInstance<AgroalDataSource> postgresql;

    private CertificateAuthority ca;
    private volatile Set<BigInteger> revoked = Set.of();
    private volatile Object revokedStamp = new Object();
    private volatile Set<String> revokedNames = Set.of();
    private volatile Object namesStamp = new Object();
    private volatile Instant namesReadAt = Instant.EPOCH;
    private volatile boolean unreadable;

    /**
     * Opens the CA at start, so that a CA the database refuses (another fleet's, or none where the
     * database has one) stops the master before it answers anyone. On PostgreSQL the CA's state is
     * in the database, taken from the CA directory on the first start; the master's names are
     * recorded again (MasterSetup did before start, when the database held a CA already).
     */
    @PostConstruct
    void init() throws IOException, CaException {
        CaLedger ledger = null;
        if (!database.embedded()) {
            AgroalDataSource pool = postgresql.get();
            ledger = CaLedger.database(pool::getConnection,
                    pool.getConfiguration().connectionPoolConfiguration().connectionFactoryConfiguration().jdbcUrl());
        }
        ca = CertificateAuthority.openOrCreate(new MasterPaths(config.dataDir()).ca(), "Kraftwerk CA on "
                + config.serverNames().get(0), Clock.systemUTC(), CertificateAuthority.Profile.standard(), ledger);
        if (ledger != null) {
            ca.recordMasterNames(config.serverNames(), config.serverIps().orElse(List.of()));
            // read once before any request, and failing the start if it cannot be: never open with no revocations known
            rereadIfChanged();
        }
    }

    public CertificateAuthority ca() {
        return ca;
    }

    public AutosignPolicy autosign() {
        return new AutosignPolicy(config.autosignToken().orElse(null), config.autosignGlobs().orElse(List.of()));
    }

    /**
     * Whether the serial is revoked. Asked on the event loop for every node request, so it never waits on a
     * database: from a CA directory, the inventory is read again when its file changed; from a database, the
     * set {@link #readFromDatabase} keeps (a second old at most) is used as it is.
     */
    public boolean isRevoked(BigInteger serial) throws IOException {
        if (!ca.inDatabase()) {
            Object stamp = ca.stamp();
            if (!stamp.equals(revokedStamp)) {
                synchronized (this) {
                    revoked = ca.revokedSerials();
                    revokedStamp = stamp;
                }
            }
        }
        return revoked.contains(serial);
    }

    /**
     * The nodes whose every certificate is revoked ({@code ca revoke}, {@code ca clean}, by this master or
     * another, or the CLI). From a CA directory: read again when its inventory changed, or changed within the
     * last two seconds (a second change may share a coarse file timestamp); from a database, as
     * {@link #readFromDatabase} keeps them. Empty when the CA's state cannot be read.
     */
    public Set<String> revokedNames() {
        if (ca.inDatabase()) {
            return revokedNames;
        }
        try {
            Object stamp = ca.stamp();
            Instant now = Instant.now();
            // within two seconds of a change, again at most four times a second (not on every catalog request)
            boolean recent = stamp instanceof FileTime changed && changed.toInstant().isAfter(now.minusSeconds(2))
                    && now.isAfter(namesReadAt.plusMillis(250));
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

    /**
     * With the CA in the database: once a second, on a worker thread, asks whether a certificate was issued or
     * revoked since (one row), and if so reads the revoked serials and names again. When the database cannot be
     * asked, the last sets read stay in force; that is logged once, and once when it answers again.
     */
    @Scheduled(every = "1s", delayed = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void readFromDatabase() {
        if (ca == null || !ca.inDatabase()) {
            return;
        }
        try {
            rereadIfChanged();
            if (unreadable) {
                unreadable = false;
                LOG.info("the CA's revocations can be read from the database again");
            }
        } catch (IOException e) {
            if (!unreadable) {
                unreadable = true;
                LOG.errorf("cannot read the CA's revocations from the database; the last ones read stay in force until it"
                        + " answers: %s", e.getMessage());
            }
        }
    }

    /** Reads the revoked serials and names again when the database's stamp says a certificate was issued or revoked. */
    private void rereadIfChanged() throws IOException {
        Object stamp = ca.stamp();
        if (!stamp.equals(revokedStamp)) {
            Set<BigInteger> serials = Set.copyOf(ca.revokedSerials());
            Set<String> names = Set.copyOf(ca.revokedNames());
            revoked = serials;
            revokedNames = names;
            revokedStamp = stamp;
        }
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
