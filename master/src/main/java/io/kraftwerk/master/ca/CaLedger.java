package io.kraftwerk.master.ca;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where the CA keeps what changes — pending requests, each node's current certificate, the
 * inventory of every certificate issued, the master's own names, the CRL — as opposed to its key
 * and certificate, which stay in the CA directory on each master. Two places:
 * {@linkplain #directory the CA directory} (one master, or several on a shared file system) and
 * {@linkplain #database a database} (several masters that share PostgreSQL and nothing else).
 * Every change runs in {@link #change}: one at a time across every process using the ledger, and
 * all of it or nothing.
 */
public abstract sealed class CaLedger permits DirectoryLedger, DatabaseLedger {
    /** Opens a database connection: the master's pool, or the CLI's own. */
    public interface Connections {
        Connection open() throws SQLException;
    }

    /** Work on the ledger. */
    interface Work<T> {
        T run() throws IOException, CaException;
    }

    /** A pending request as kept: its PEM text. */
    record Request(String certname, String pem) {
    }

    /** A node's current certificate. */
    record Current(String certname, X509Certificate certificate) {
    }

    /**
     * The CA's state in a database (the master's own, migrated to schema version 6 or later).
     *
     * @param where names the database in messages (a JDBC URL without credentials)
     */
    public static CaLedger database(Connections connections, String where) {
        return new DatabaseLedger(connections, where, true);
    }

    /**
     * The CA's state in a database that holds it already (for {@code kw-master ca}): a database
     * without a CA is refused, not filled from the directory — that is the master's first start.
     */
    public static CaLedger existingDatabase(Connections connections, String where) {
        return new DatabaseLedger(connections, where, false);
    }

    /**
     * Before a master starts with its CA state in a database, and before it would make a CA key of its own: refused
     * when the database holds a CA (none in a database not migrated yet) and {@code caDir} holds no key, or another
     * CA's, so that a master set up without the fleet's key says so instead of making another; refused too when
     * {@code caDir} says its state went to a database that holds no CA. Then records {@code masterNames}.
     */
    public static void checkBeforeStart(Path caDir, Connections connections, String where, Collection<String> masterNames)
            throws IOException, CaException {
        new DatabaseLedger(connections, where, true).checkBeforeStart(new CaDirectory(caDir), masterNames);
    }

    /** Runs {@code work} as the only change of the CA anywhere until it ends; a failure leaves nothing of it. */
    abstract <T> T change(Work<T> work) throws IOException, CaException;

    /**
     * Joins the CA this ledger belongs to: checks the ledger holds {@code caCertificate}'s state,
     * or takes it into an empty ledger, with what {@code files} holds; refused otherwise.
     *
     * @param created whether the key and certificate were made just now (removed again when refused)
     */
    abstract void adopt(CaDirectory files, X509Certificate caCertificate, boolean created) throws IOException, CaException;

    /** Says, in the CA directory, where the state lives (so that nothing reads stale files). */
    abstract String describe();

    abstract Optional<String> request(String certname) throws IOException;

    abstract List<Request> requests() throws IOException;

    abstract int requestCount() throws IOException;

    abstract void putRequest(String certname, String pem) throws IOException;

    abstract boolean removeRequest(String certname) throws IOException;

    abstract Optional<X509Certificate> current(String certname) throws IOException, CaException;

    abstract List<Current> currents() throws IOException, CaException;

    /**
     * Records a certificate just issued in the inventory and makes it the node's current one.
     * Refused when its serial was ever issued before: no two certificates share one.
     */
    abstract void issued(String certname, X509Certificate cert) throws IOException, CaException;

    abstract boolean removeCurrent(String certname) throws IOException;

    abstract List<Inventory.Line> inventory() throws IOException;

    /** Marks every unrevoked certificate of {@code certname} revoked at {@code at}. */
    abstract void revokeAll(String certname, Instant at) throws IOException;

    abstract Set<String> masterNames() throws IOException;

    abstract void addMasterNames(Collection<String> names) throws IOException;

    abstract Optional<String> crl() throws IOException;

    /** Keeps a new CRL; its number must be above every number kept before. */
    abstract void putCrl(X509CRL crl) throws IOException;

    /** The number for the next CRL: above the last one's, whatever the clocks of the masters say. */
    abstract BigInteger nextCrlNumber(Instant now) throws IOException;

    /** The inventory's line of the certificate with this serial, if the CA issued one. */
    abstract Optional<Inventory.Line> issuedAs(BigInteger serial) throws IOException;

    /**
     * Something that changes whenever a certificate is issued or revoked, cheap to ask for: a
     * master re-reads the revoked serials and names when it changed.
     */
    abstract Object stamp() throws IOException;

    boolean anyUnrevoked(String certname) throws IOException {
        return inventory().stream().anyMatch(l -> l.certname().equals(certname) && l.revokedAt() == null);
    }

    /** The certnames whose every certificate is revoked (revoked or cleaned, not enrolled again since). */
    Set<String> revokedNames() throws IOException {
        Map<String, Boolean> anyValid = new HashMap<>();
        for (Inventory.Line line : inventory()) {
            anyValid.merge(line.certname(), line.revokedAt() == null, Boolean::logicalOr);
        }
        Set<String> out = new TreeSet<>();
        anyValid.forEach((name, valid) -> {
            if (!valid) {
                out.add(name);
            }
        });
        return out;
    }

    Set<BigInteger> revokedSerials() throws IOException {
        Set<BigInteger> out = new HashSet<>();
        for (Inventory.Line line : inventory()) {
            if (line.revokedAt() != null) {
                out.add(line.serial());
            }
        }
        return out;
    }
}
