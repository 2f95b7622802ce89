package io.kraftwerk.agent.provider.postgresql;

import io.kraftwerk.agent.provider.Change;
import io.kraftwerk.agent.provider.Desired;
import io.kraftwerk.agent.provider.Observed;
import io.kraftwerk.agent.provider.Provider;
import io.kraftwerk.agent.provider.ProviderContext;
import io.kraftwerk.agent.provider.ProviderException;
import io.kraftwerk.model.resource.Ensure;
import io.kraftwerk.model.resource.PostgresqlDatabaseResource;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code postgresql_database}: a database of the node's server and the login role that owns it.
 * Properties: {@code role} ("login"; observed "absent", "nologin", or with powers beyond its databases, which a run takes away), {@code password} (secret:
 * observed equal to the catalog's when the role's stored SCRAM verifier is one of it, "(another
 * password)" when not, absent when the role has none), {@code owner}, {@code encoding} and
 * {@code locale}. The agent makes the verifier itself ({@link ScramVerifier}), so the password
 * reaches neither argv nor the server. Encoding and locale are fixed when a database is created:
 * a database that differs is reported, and applying refuses to drop it for that. Absent drops the
 * database (its record insists on force) and keeps the role, which other databases may use.
 *
 * <p>The server keeps only a verifier, so the agent can tell that the role's password is not the
 * catalog's, but not which it is: a new password in the catalog is the catalog's change (the engine
 * calls a change corrective only when the catalog asks for what it asked before), one set by hand
 * under an unchanged catalog is drift.
 */
public final class PostgresqlDatabaseProvider implements Provider<PostgresqlDatabaseResource> {
    static final String ROLE = "role";
    static final String PASSWORD = "password";
    static final String OWNER = "owner";
    static final String ENCODING = "encoding";
    static final String LOCALE = "locale";
    static final String LOGIN = "login";
    static final String ANOTHER_PASSWORD = "(another password)";
    private final SecureRandom random = new SecureRandom();

    @Override
    public Class<PostgresqlDatabaseResource> resourceClass() {
        return PostgresqlDatabaseResource.class;
    }

    @Override
    public Desired desired(PostgresqlDatabaseResource db) {
        if (db.ensure() == Ensure.ABSENT) {
            return new Desired().ensure("absent");
        }
        Desired d = new Desired().ensure("present").plain(ROLE, LOGIN);
        if (db.password() != null) {
            d.secret(PASSWORD, db.password());
        }
        return d.plain(OWNER, db.owner()).plain(ENCODING, db.encoding()).plain(LOCALE, db.locale());
    }

    @Override
    public Observed observe(PostgresqlDatabaseResource db, ProviderContext context) throws IOException, ProviderException {
        requireSupportedPassword(db);
        Optional<LocalServer.Missing> missing = LocalServer.missing(db, context);
        if (missing.isPresent()) {
            return db.ensure() == Ensure.ABSENT ? Observed.absent()
                    : new Observed().put(Desired.ENSURE, "absent (" + missing.get().why() + ")");
        }
        DatabaseState state = DatabaseState.read(db, psql(db, List.of()), context);
        if (db.ensure() == Ensure.PRESENT && state.wantedEncoding().isEmpty()) {
            throw new ProviderException("PostgreSQL knows no encoding '" + db.encoding() + "': use one of its names, such as UTF8"
                    + " or LATIN1 (SELECT pg_encoding_to_char(i) FROM generate_series(0, 41) i lists them)");
        }
        if (!state.exists()) {
            return Observed.absent();
        }
        Observed o = new Observed().put(Desired.ENSURE, "present").put(OWNER, state.owner())
                .put(ENCODING, state.wantedEncoding().equals(state.encoding()) ? db.encoding() : state.encoding())
                .put(LOCALE, db.locale() != null && sameLocale(db.locale(), state.collate()) && sameLocale(db.locale(), state.ctype())
                        ? db.locale() : state.locale())
                .put(ROLE, role(state));
        if (db.password() != null && state.roleExists() && state.verifier() != null) {
            o.put(PASSWORD, ScramVerifier.matches(state.verifier(), db.password()) ? db.password() : ANOTHER_PASSWORD);
        }
        return o;
    }

    /**
     * Reads the server again and changes what differs, in order: the role (created, allowed to log
     * in, its password), then the database (created, or given to its owner). The role's changes
     * and the owner's go in one transaction; createdb cannot run in one.
     */
    @Override
    public boolean apply(PostgresqlDatabaseResource db, List<Change> changes, ProviderContext context)
            throws IOException, ProviderException {
        if (db.ensure() == Ensure.ABSENT) {
            // WITH (FORCE), PostgreSQL 13 and later: the app's open connections would refuse the drop
            psql(db, List.of()).run("cannot drop database " + db.name(), Psql.variables("name", db.name()),
                    "DROP DATABASE :\"name\" WITH (FORCE);\n", false, context);
            return false;
        }
        requireSupportedPassword(db);
        Optional<LocalServer.Missing> missing = LocalServer.missing(db, context);
        if (missing.isPresent()) {
            throw new ProviderException("cannot create database " + db.name() + ": " + missing.get().why() + "; "
                    + missing.get().fix());
        }
        DatabaseState state = DatabaseState.read(db, psql(db, List.of()), context);
        if (state.exists()) {
            requireSameEncodingAndLocale(db, state);
        }
        String verifier = db.password() != null && !(state.roleExists() && ScramVerifier.matches(state.verifier(), db.password()))
                ? ScramVerifier.create(db.password(), random) : null;
        String script = roleScript(state, verifier) + (state.exists() && !state.owner().equals(db.owner())
                ? "ALTER DATABASE :\"name\" OWNER TO :\"owner\";\n" : "");
        Psql psql = psql(db, verifier == null ? List.of() : List.of(verifier));
        if (!script.isEmpty()) {
            psql.run("cannot set up database " + db.name() + " and its role " + db.owner(),
                    Psql.variables("name", db.name(), "owner", db.owner()), script, true, context);
        }
        if (!state.exists()) {
            psql.createdb(db, context);
        }
        return false;
    }

    /** The role as observed: absent, nologin, login, or login with powers beyond its databases (which a run takes away). */
    static String role(DatabaseState state) {
        String role = !state.roleExists() ? "absent" : state.login() ? LOGIN : "nologin";
        return state.powers().isEmpty() ? role : role + ", with " + state.powers();
    }

    /**
     * What the role needs: created as a login role with no other power, or allowed to log in, and
     * the password set when it is not the catalog's. The verifier goes in with {@code \set} on
     * standard input, never on argv.
     */
    static String roleScript(DatabaseState state, String verifier) {
        List<String> lines = new ArrayList<>();
        String password = verifier == null ? "" : " PASSWORD :'verifier'";
        if (!state.roleExists()) {
            lines.add("CREATE ROLE :\"owner\" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE" + password + ";");
        } else {
            if (!state.login()) {
                lines.add("ALTER ROLE :\"owner\" LOGIN;");
            }
            if (!state.powers().isEmpty()) {
                // an app's owner role reaches its own databases and nothing else: a dump is restored as this role
                lines.add("ALTER ROLE :\"owner\" NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOREPLICATION;");
                DatabaseState.SERVER_ROLES.stream().filter(r -> state.powers().contains(r))
                        .forEach(r -> lines.add("REVOKE " + r + " FROM :\"owner\";"));
            }
            if (verifier != null) {
                lines.add("ALTER ROLE :\"owner\"" + password + ";");
            }
        }
        String statements = lines.stream().map(l -> l + "\n").reduce("", String::concat);
        return verifier == null ? statements : Psql.set(Map.of("verifier", verifier)) + statements;
    }

    private static void requireSameEncodingAndLocale(PostgresqlDatabaseResource db, DatabaseState state) throws ProviderException {
        List<String> has = new ArrayList<>();
        List<String> keep = new ArrayList<>();
        if (!state.wantedEncoding().equals(state.encoding())) {
            has.add("encoding " + state.encoding());
            keep.add("encoding: " + state.encoding());
        }
        if (db.locale() != null && !(sameLocale(db.locale(), state.collate()) && sameLocale(db.locale(), state.ctype()))) {
            has.add("locale " + state.locale());
            keep.add("locale: " + state.collate());
        }
        if (!has.isEmpty()) {
            throw new ProviderException("database " + db.name() + " has " + String.join(" and ", has) + ", and PostgreSQL cannot"
                    + " change a database's encoding or locale in place: dump it (pg_dump), drop it, let the agent create it again"
                    + " and load the dump; or ask for what it has (" + String.join(", ", keep) + ")");
        }
    }

    /**
     * A password the agent cannot prepare as the server does fails before anything is read (see
     * {@link ScramVerifier}); the compiler cannot know, as only the agent computes verifiers.
     */
    private static void requireSupportedPassword(PostgresqlDatabaseResource db) throws ProviderException {
        if (db.ensure() == Ensure.PRESENT && db.password() != null && !ScramVerifier.isSupported(db.password())) {
            throw new ProviderException("the password of database " + db.name() + " holds characters outside ASCII, which"
                    + " PostgreSQL prepares with SASLprep before hashing and Kraftwerk cannot: use a password of ASCII characters");
        }
    }

    /**
     * Locale names as glibc compares them: the codeset in any case and with or without
     * punctuation ({@code en_US.UTF-8} is {@code en_US.utf8}), the rest exactly.
     */
    static boolean sameLocale(String a, String b) {
        return canonicalLocale(a).equals(canonicalLocale(b));
    }

    private static String canonicalLocale(String name) {
        int dot = name.indexOf('.');
        if (dot < 0) {
            return name;
        }
        int at = name.indexOf('@', dot);
        String codeset = name.substring(dot + 1, at < 0 ? name.length() : at);
        return name.substring(0, dot) + "." + codeset.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "")
                + (at < 0 ? "" : name.substring(at));
    }

    private static Psql psql(PostgresqlDatabaseResource db, List<String> verifiers) {
        List<String> secrets = new ArrayList<>(verifiers);
        if (db.password() != null) {
            secrets.add(0, db.password());
        }
        return new Psql(db.port(), secrets);
    }
}
