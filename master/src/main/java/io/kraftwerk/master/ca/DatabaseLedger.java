package io.kraftwerk.master.ca;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The CA's state in the masters' database (tables {@code ca_*}, schema version 6), for masters
 * that share PostgreSQL and no file system. Every change is one transaction that first locks the
 * single {@code ca_authority} row, so changes from any master (or {@code kw-master ca}) happen one
 * after another, and a change that fails leaves nothing. A serial is the inventory's primary key:
 * the database refuses a certificate whose serial was ever issued, and nothing is handed out then.
 */
final class DatabaseLedger extends CaLedger {
    private static final String UNIQUE_VIOLATION = "23505";
    private static final String UNDEFINED_TABLE = "42P01";
    private static final String H2_UNDEFINED_TABLE = "42S02";

    private final Connections connections;
    private final String where;
    private final boolean takes;
    private final ThreadLocal<Connection> bound = new ThreadLocal<>();
    /** This process's changes wait here, not holding a pooled connection while another master holds the row. */
    private final ReentrantLock local = new ReentrantLock();
    private final Clock clock = Clock.systemUTC();

    /**
     * @param where names the database in messages: a JDBC URL, kept without its user, password or parameters
     * @param takes whether an empty database takes the CA directory's state ({@link #adopt}) or is refused
     */
    DatabaseLedger(Connections connections, String where, boolean takes) {
        this.connections = connections;
        this.where = withoutCredentials(where);
        this.takes = takes;
    }

    /** {@code jdbc:postgresql://user:secret@db:5432/kraftwerk?password=x} → {@code jdbc:postgresql://db:5432/kraftwerk}. */
    static String withoutCredentials(String url) {
        String out = url.contains("?") ? url.substring(0, url.indexOf('?')) : url;
        int scheme = out.indexOf("//");
        int at = out.indexOf('@', scheme + 2);
        int path = out.indexOf('/', scheme + 2);
        if (scheme >= 0 && at > 0 && (path < 0 || at < path)) {
            out = out.substring(0, scheme + 2) + out.substring(at + 1);
        }
        return out;
    }

    @Override
    <T> T change(Work<T> work) throws IOException, CaException {
        if (bound.get() != null) {
            return work.run();
        }
        return transaction(c -> {
            if (lockAuthority(c).isEmpty()) {
                throw noCa();
            }
            bound.set(c);
            return work.run();
        }, () -> { });
    }

    /** Work in a transaction. */
    private interface InTransaction<T> {
        T run(Connection c) throws IOException, CaException, SQLException;
    }

    /** What to undo outside the database when a transaction does not commit. */
    private interface Undo {
        void run() throws IOException;
    }

    /**
     * Runs {@code work} in a transaction of its own, behind this process's lock, and commits it when it returns.
     * Whatever else ends it (an Error too), {@code undo} runs, then the rollback: nothing of it stays, and nothing
     * is committed by the driver when autocommit is switched back on.
     */
    private <T> T transaction(InTransaction<T> work, Undo undo) throws IOException, CaException {
        local.lock();
        try (Connection c = connections.open()) {
            c.setAutoCommit(false);
            boolean committed = false;
            try {
                T out = work.run(c);
                c.commit();
                committed = true;
                return out;
            } finally {
                bound.remove();
                if (!committed) {
                    undo.run();
                    c.rollback();
                }
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw unusable(e);
        } finally {
            local.unlock();
        }
    }

    /** A database the masters have not migrated yet holds no CA; anything else is the database's failure. */
    private IOException unusable(SQLException e) throws CaException {
        if (undefinedTable(e)) {
            throw noCa();
        }
        return failed(e);
    }

    private static boolean undefinedTable(SQLException e) {
        return UNDEFINED_TABLE.equals(e.getSQLState()) || H2_UNDEFINED_TABLE.equals(e.getSQLState());
    }

    private CaException noCa() {
        return new CaException("the database " + where + " holds no CA yet: start 'kw-master serve' with this --database"
                + " once, and it moves the CA there");
    }

    static Optional<String> heldFingerprint(Connections connections) throws IOException {
        try (Connection c = connections.open();
             PreparedStatement s = c.prepareStatement("select fingerprint from ca_authority where id = 1");
             ResultSet r = s.executeQuery()) {
            return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
        } catch (SQLException e) {
            if (undefinedTable(e)) {
                return Optional.empty();
            }
            throw new IOException("the database cannot be asked which CA it holds: " + e.getMessage(), e);
        }
    }

    /** The CA's certificate fingerprint, read with the row locked until the transaction ends; empty when there is no CA yet. */
    private static Optional<String> lockAuthority(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("select fingerprint from ca_authority where id = 1 for update");
             ResultSet r = s.executeQuery()) {
            return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
        }
    }

    /**
     * Checks this database holds the CA of {@code caCertificate}, or, when it holds none yet, takes
     * the state kept in {@code files} into it (requests, certificates, inventory, master names,
     * CRL) in one transaction. The directory says so before that commits (and not if it fails),
     * and its state files are moved aside, so that nobody reads or edits them by mistake; files
     * left there later (a move cut short, an older master) are moved aside at every start.
     */
    @Override
    void adopt(CaDirectory files, X509Certificate caCertificate, boolean created) throws IOException, CaException {
        String fingerprint = Fingerprints.of(caCertificate);
        boolean marked = Files.exists(files.databaseMarker());
        AtomicBoolean markedNow = new AtomicBoolean();
        transaction(c -> {
            try {
                Optional<String> held = lockAuthority(c);
                if (held.isEmpty() && !takes) {
                    throw noCa();
                }
                if (held.isEmpty() && marked && !files.importNeverCommitted()) {
                    throw forgotten(files);
                }
                if (held.isEmpty()) {
                    insertAuthority(c, caCertificate, fingerprint);
                    bound.set(c);
                    importFrom(new DirectoryLedger(files));
                    files.markInDatabase(markerText(), true);
                    markedNow.set(true);
                } else if (!Fingerprints.same(held.get(), fingerprint)) {
                    c.rollback();
                    refuse(files, fingerprint, held.get(), created);
                }
            } catch (SQLException e) {
                if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                    throw e;
                }
                // another master created the CA row a moment ago: it is the fleet's CA, whichever key this master holds
                c.rollback();
                Optional<String> held = lockAuthority(c);
                if (held.isEmpty() || !Fingerprints.same(held.get(), fingerprint)) {
                    refuse(files, fingerprint, held.orElse("?"), created);
                }
            }
            return null;
        }, () -> {
            if (markedNow.get()) {
                // before the rollback, so that one failing on a lost connection cannot leave the directory saying so
                Files.deleteIfExists(files.databaseMarker());
            }
        });
        files.locked(() -> {
            files.markInDatabase(markerText(), false);
            files.moveStateAside(clock.instant());
            return null;
        });
    }

    private String markerText() {
        return "the CA's requests, certificates, inventory, master names and CRL are in the database " + where + " (since "
                + clock.instant() + "); ca_key.pem and ca_crt.pem stay here, on every master";
    }

    private void refuse(CaDirectory files, String fingerprint, String held, boolean created) throws IOException, CaException {
        if (created) {
            // made in this start only to find the fleet's CA elsewhere: nothing was signed with it
            Files.deleteIfExists(files.caKey());
            Files.deleteIfExists(files.caCertificate());
            Files.deleteIfExists(files.crl());
        }
        throw refusal(files, created ? null : fingerprint, held);
    }

    /** @param fingerprint of the directory's CA certificate, null when it has none */
    private CaException refusal(CaDirectory files, String fingerprint, String held) {
        if (fingerprint == null) {
            return new CaException("the database " + where + " already holds the fleet's CA (certificate " + held + "), and "
                    + files.path() + " had none: copy ca_key.pem (keep it 0600) and ca_crt.pem from a master of that fleet into "
                    + files.path() + ", then start again");
        }
        return new CaException(files.path() + "/ca_crt.pem (certificate " + fingerprint + ") is not the CA the database " + where
                + " holds (" + held + "): this master would sign for another fleet. Copy ca_key.pem and ca_crt.pem from a master"
                + " of that fleet, or point --database at this CA's own database");
    }

    /**
     * Before a master starts (and before it would make a key of its own): refused when the database holds a CA and
     * the directory holds none, or another, and when the directory says its state moved to a database that holds
     * none. Otherwise the master's names are recorded at once, before anything of the master can be asked for.
     */
    void checkBeforeStart(CaDirectory files, Collection<String> masterNames) throws IOException, CaException {
        Optional<String> held = heldFingerprint(connections);
        if (held.isEmpty()) {
            if (Files.exists(files.databaseMarker()) && !files.importNeverCommitted()) {
                throw forgotten(files);
            }
            return;
        }
        if (!Files.exists(files.caCertificate()) || !Files.exists(files.caKey())) {
            throw refusal(files, null, held.get());
        }
        String fingerprint = Fingerprints.of(Pem.certificate(Files.readString(files.caCertificate())));
        if (!Fingerprints.same(fingerprint, held.get())) {
            throw refusal(files, fingerprint, held.get());
        }
        change(() -> {
            addMasterNames(masterNames);
            return null;
        });
    }

    private CaException forgotten(CaDirectory files) throws IOException {
        return new CaException(files.databaseMarker() + " says the CA's state was moved to a database ("
                + Files.readString(files.databaseMarker()).strip() + "), but " + where + " holds no CA: starting would forget"
                + " every certificate and revocation. Restore that database first (pg_restore), or give the --database it names");
    }

    private void insertAuthority(Connection c, X509Certificate caCertificate, String fingerprint) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("insert into ca_authority (id, certificate, fingerprint, changes,"
                + " crl, crl_number, created_at) values (1, ?, ?, 0, null, 0, ?)")) {
            s.setString(1, Pem.write(caCertificate));
            s.setString(2, fingerprint);
            s.setObject(3, time(clock.instant()));
            s.executeUpdate();
        }
    }

    /** Copies what a CA directory holds into this (bound, empty) ledger. */
    private void importFrom(DirectoryLedger old) throws IOException, CaException {
        Set<BigInteger> known = new HashSet<>();
        for (Inventory.Line line : old.inventory()) {
            if (known.add(line.serial())) {
                insertCertificate(line.serial(), line.certname(), line.notBefore(), line.notAfter(), line.revokedAt(), null);
            }
        }
        for (Current current : old.currents()) {
            X509Certificate cert = current.certificate();
            if (known.add(cert.getSerialNumber())) {
                // issued before the inventory was kept
                insertCertificate(cert.getSerialNumber(), current.certname(), cert.getNotBefore().toInstant(),
                        cert.getNotAfter().toInstant(), null, null);
            }
            update("update ca_certificate set pem = ? where serial = ?", Pem.write(cert), hex(cert.getSerialNumber()));
            update("insert into ca_node (certname, serial) values (?, ?)", current.certname(), hex(cert.getSerialNumber()));
        }
        for (Request request : old.requests()) {
            putRequest(request.certname(), request.pem());
        }
        addMasterNames(old.masterNames());
        Optional<String> crl = old.crl();
        if (crl.isPresent()) {
            putCrl(Pem.crl(crl.get()));
        }
    }

    @Override
    String describe() {
        return where;
    }

    @Override
    Optional<String> request(String certname) throws IOException {
        return query(c -> {
            try (PreparedStatement s = c.prepareStatement("select pem from ca_request where certname = ?")) {
                s.setString(1, certname);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
                }
            }
        });
    }

    @Override
    List<Request> requests() throws IOException {
        return query(c -> {
            List<Request> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("select certname, pem from ca_request order by certname");
                 ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(new Request(r.getString(1), r.getString(2)));
                }
            }
            return out;
        });
    }

    @Override
    int requestCount() throws IOException {
        return query(c -> {
            try (PreparedStatement s = c.prepareStatement("select count(*) from ca_request"); ResultSet r = s.executeQuery()) {
                r.next();
                return r.getInt(1);
            }
        });
    }

    @Override
    void putRequest(String certname, String pem) throws IOException {
        update("delete from ca_request where certname = ?", certname);
        query(c -> {
            try (PreparedStatement s = c.prepareStatement("insert into ca_request (certname, pem, received_at) values (?, ?, ?)")) {
                s.setString(1, certname);
                s.setString(2, pem);
                s.setObject(3, time(clock.instant()));
                return s.executeUpdate();
            }
        });
    }

    @Override
    boolean removeRequest(String certname) throws IOException {
        return update("delete from ca_request where certname = ?", certname) > 0;
    }

    @Override
    Optional<X509Certificate> current(String certname) throws IOException, CaException {
        String pem = query(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "select c.pem from ca_node n join ca_certificate c on c.serial = n.serial where n.certname = ?")) {
                s.setString(1, certname);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? r.getString(1) : null;
                }
            }
        });
        return pem == null ? Optional.empty() : Optional.of(Pem.certificate(pem));
    }

    @Override
    List<Current> currents() throws IOException, CaException {
        List<String[]> rows = query(c -> {
            List<String[]> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(
                    "select n.certname, c.pem from ca_node n join ca_certificate c on c.serial = n.serial order by n.certname");
                 ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(new String[] {r.getString(1), r.getString(2)});
                }
            }
            return out;
        });
        List<Current> out = new ArrayList<>();
        for (String[] row : rows) {
            out.add(new Current(row[0], Pem.certificate(row[1])));
        }
        return out;
    }

    @Override
    void issued(String certname, X509Certificate cert) throws IOException, CaException {
        String serial = hex(cert.getSerialNumber());
        try {
            insertCertificate(cert.getSerialNumber(), certname, cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant(), null,
                    Pem.write(cert));
        } catch (IOException e) {
            if (e.getCause() instanceof SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState())) {
                throw new CaException("serial " + serial + " was issued before; this certificate was not issued: try again");
            }
            throw e;
        }
        if (update("update ca_node set serial = ? where certname = ?", serial, certname) == 0) {
            update("insert into ca_node (certname, serial) values (?, ?)", certname, serial);
        }
        countChange();
    }

    private void insertCertificate(BigInteger serial, String certname, Instant notBefore, Instant notAfter, Instant revokedAt,
                                   String pem) throws IOException {
        query(c -> {
            try (PreparedStatement s = c.prepareStatement("insert into ca_certificate (serial, certname, not_before, not_after,"
                    + " revoked_at, pem) values (?, ?, ?, ?, ?, ?)")) {
                s.setString(1, hex(serial));
                s.setString(2, certname);
                s.setObject(3, time(notBefore));
                s.setObject(4, time(notAfter));
                s.setObject(5, revokedAt == null ? null : time(revokedAt));
                s.setString(6, pem);
                return s.executeUpdate();
            }
        });
    }

    @Override
    boolean removeCurrent(String certname) throws IOException {
        return update("delete from ca_node where certname = ?", certname) > 0;
    }

    @Override
    List<Inventory.Line> inventory() throws IOException {
        return lines("select serial, certname, not_before, not_after, revoked_at from ca_certificate order by not_before, serial",
                null);
    }

    @Override
    boolean anyUnrevoked(String certname) throws IOException {
        return !lines("select serial, certname, not_before, not_after, revoked_at from ca_certificate"
                + " where certname = ? and revoked_at is null", certname).isEmpty();
    }

    @Override
    Set<BigInteger> revokedSerials() throws IOException {
        Set<BigInteger> out = new HashSet<>();
        for (Inventory.Line line : lines("select serial, certname, not_before, not_after, revoked_at from ca_certificate"
                + " where revoked_at is not null", null)) {
            out.add(line.serial());
        }
        return out;
    }

    /** @param parameter the query's one parameter, or null when it has none */
    private List<Inventory.Line> lines(String sql, String parameter) throws IOException {
        return query(c -> {
            List<Inventory.Line> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(sql)) {
                if (parameter != null) {
                    s.setString(1, parameter);
                }
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        OffsetDateTime revoked = r.getObject(5, OffsetDateTime.class);
                        out.add(new Inventory.Line(new BigInteger(r.getString(1), 16), r.getString(2),
                                r.getObject(3, OffsetDateTime.class).toInstant(), r.getObject(4, OffsetDateTime.class).toInstant(),
                                revoked == null ? null : revoked.toInstant()));
                    }
                }
            }
            return out;
        });
    }

    /** Names whose every certificate is revoked, counted by the database rather than read row by row. */
    @Override
    Set<String> revokedNames() throws IOException {
        return query(c -> {
            Set<String> out = new TreeSet<>();
            try (PreparedStatement s = c.prepareStatement(
                    "select certname from ca_certificate group by certname having count(*) = count(revoked_at)");
                 ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(r.getString(1));
                }
            }
            return out;
        });
    }

    @Override
    void revokeAll(String certname, Instant at) throws IOException {
        int revoked = query(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "update ca_certificate set revoked_at = ? where certname = ? and revoked_at is null")) {
                s.setObject(1, time(at));
                s.setString(2, certname);
                return s.executeUpdate();
            }
        });
        if (revoked > 0) {
            countChange();
        }
    }

    /** Tells the masters' caches of revoked serials and names to read again. */
    private void countChange() throws IOException {
        update("update ca_authority set changes = changes + 1 where id = 1");
    }

    @Override
    Optional<Inventory.Line> issuedAs(BigInteger serial) throws IOException {
        List<Inventory.Line> found = lines("select serial, certname, not_before, not_after, revoked_at from ca_certificate"
                + " where serial = ?", hex(serial));
        return found.stream().findFirst();
    }

    @Override
    Set<String> masterNames() throws IOException {
        return query(c -> {
            Set<String> out = new TreeSet<>();
            try (PreparedStatement s = c.prepareStatement("select name from ca_master_name"); ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(r.getString(1));
                }
            }
            return out;
        });
    }

    /** Callers hold the CA's row lock ({@link #change}), so no other master inserts the same name meanwhile. */
    @Override
    void addMasterNames(Collection<String> names) throws IOException {
        Set<String> known = masterNames();
        for (String name : new TreeSet<>(names)) {
            if (!known.contains(name)) {
                update("insert into ca_master_name (name) values (?)", name);
            }
        }
    }

    @Override
    Optional<String> crl() throws IOException {
        return query(c -> {
            try (PreparedStatement s = c.prepareStatement("select crl from ca_authority where id = 1"); ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.ofNullable(r.getString(1)) : Optional.empty();
            }
        });
    }

    @Override
    void putCrl(X509CRL crl) throws IOException {
        BigInteger number = Revocations.number(crl);
        update("update ca_authority set crl = ?, crl_number = ? where id = 1", Pem.write(crl), number.longValueExact());
    }

    @Override
    BigInteger nextCrlNumber(Instant now) throws IOException {
        long last = query(c -> {
            try (PreparedStatement s = c.prepareStatement("select crl_number from ca_authority where id = 1");
                 ResultSet r = s.executeQuery()) {
                return r.next() ? r.getLong(1) : 0L;
            }
        });
        return BigInteger.valueOf(Math.max(last + 1, now.toEpochMilli()));
    }

    /** The count of changes to issued certificates (issued or revoked): one query, asked by a master once a second. */
    @Override
    Object stamp() throws IOException {
        return query(c -> {
            try (PreparedStatement s = c.prepareStatement("select changes from ca_authority where id = 1");
                 ResultSet r = s.executeQuery()) {
                return r.next() ? r.getLong(1) : 0L;
            }
        });
    }

    /** SQL work on a connection. */
    private interface Sql<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs {@code sql} in the change under way on this thread, or on a connection of its own. */
    private <T> T query(Sql<T> sql) throws IOException {
        try {
            Connection c = bound.get();
            if (c != null) {
                return sql.run(c);
            }
            try (Connection own = connections.open()) {
                return sql.run(own);
            }
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    private int update(String sql, Object... parameters) throws IOException {
        return query(c -> {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                for (int i = 0; i < parameters.length; i++) {
                    s.setObject(i + 1, parameters[i]);
                }
                return s.executeUpdate();
            }
        });
    }

    private IOException failed(SQLException e) {
        return new IOException("the CA's database " + where + ": " + e.getMessage(), e);
    }

    private static String hex(BigInteger serial) {
        return serial.toString(16);
    }

    private static OffsetDateTime time(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
