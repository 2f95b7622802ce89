package io.kraftwerk.agent.provider.postgresql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftwerk.agent.exec.CommandResult;
import io.kraftwerk.agent.exec.CommandRunner;
import io.kraftwerk.agent.fs.BackupStore;
import io.kraftwerk.agent.fs.FsOps;
import io.kraftwerk.agent.provider.Change;
import io.kraftwerk.agent.provider.Diff;
import io.kraftwerk.agent.provider.Property;
import io.kraftwerk.agent.provider.ProviderContext;
import io.kraftwerk.agent.provider.ProviderException;
import io.kraftwerk.agent.provider.RecordingContext;
import io.kraftwerk.model.report.LogLine;
import io.kraftwerk.model.resource.Ensure;
import io.kraftwerk.model.resource.PostgresqlDatabaseResource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * postgresql_database against a scripted psql: the exact argv of every command, the script each
 * one reads on standard input, and that the password is on neither (only a verifier of it, on
 * standard input). The node root has /usr/bin/psql and a file standing for the server's socket.
 */
class PostgresqlDatabaseProviderTest {
    private static final String PASSWORD = "s3cret-Pa55";
    private static final List<String> RUNUSER = List.of("/usr/sbin/runuser", "-u", "postgres", "--");
    private static final List<String> CONNECTION = List.of("-h", "/var/run/postgresql", "-p", "5432", "-U", "postgres");
    private static final List<String> READ = psql(false, "-v", "name=app", "-v", "owner=app", "-v", "encoding=UTF8");
    private static final List<String> CHANGE = psql(true, "-v", "name=app", "-v", "owner=app");
    private static final List<String> DROP = psql(false, "-v", "name=app");
    private static final Pattern VERIFIER = Pattern.compile("\\\\set verifier '(SCRAM-SHA-256\\$4096:[^']+)'\n");

    @TempDir
    Path root;

    private final PostgresqlDatabaseProvider provider = new PostgresqlDatabaseProvider();
    private RecordingContext recorded;
    private StdinContext context;

    @BeforeEach
    void aNodeWithPostgresql() throws Exception {
        Files.createDirectories(root.resolve("usr/bin"));
        Files.writeString(root.resolve("usr/bin/psql"), "");
        Files.writeString(root.resolve("usr/bin/pg_lsclusters"), "");
        Files.createDirectories(root.resolve("var/run/postgresql"));
        Files.writeString(root.resolve("var/run/postgresql/.s.PGSQL.5432"), "");
        recorded = new RecordingContext(root);
        context = new StdinContext(recorded);
    }

    private static PostgresqlDatabaseResource app(String password) {
        return new PostgresqlDatabaseResource("app", null, null, password, null, null, null, false);
    }

    /** One row of the read query: exists, owner, encoding, collate, ctype, role exists, login, password, wanted encoding, powers. */
    private static String row(String... fields) {
        return String.join("\0", fields) + "\0";
    }

    private static String nothing() {
        return row("f", "", "", "", "", "f", "", "", "UTF8", "");
    }

    private static String existing(String owner, String login, String verifier) {
        return row("t", owner, "UTF8", "C.UTF-8", "C.UTF-8", "t", login, verifier, "UTF8", "");
    }

    private List<Change> plan(PostgresqlDatabaseResource db) throws Exception {
        return Diff.changes(provider.desired(db), provider.observe(db, context));
    }

    private static List<String> described(List<Change> changes) {
        return changes.stream().map(c -> c.property() + " " + (c.previous() == null ? "absent" : "'"
                + Property.display(c.previous(), c.kind()) + "'") + " -> '" + Property.display(c.desired(), c.kind()) + "'").toList();
    }

    @Test
    void createsTheRoleWithAVerifierOfThePasswordAndTheDatabaseThenIsInSync() throws Exception {
        recorded.answerOnce(READ, 0, nothing(), "").answerOnce(READ, 0, nothing(), "");
        PostgresqlDatabaseResource db = app(PASSWORD);
        List<Change> changes = plan(db);
        assertEquals(List.of("ensure 'absent' -> 'present'"), described(changes));
        assertEquals(List.of(READ), recorded.commands, "observing only reads");
        assertEquals(DatabaseState.QUERY, context.stdin.get(0));

        provider.apply(db, changes, context);
        List<String> createdb = concat(RUNUSER, List.of("/usr/bin/createdb"), CONNECTION, List.of("--owner", "app", "--encoding", "UTF8",
                "--template", "template0", "--", "app"));
        assertEquals(List.of(READ, READ, CHANGE, createdb), recorded.commands);
        String script = context.stdin.get(2);
        Matcher m = VERIFIER.matcher(script);
        assertTrue(m.lookingAt(), script);
        assertEquals(m.group() + "CREATE ROLE :\"owner\" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'verifier';\n", script);
        assertTrue(ScramVerifier.matches(m.group(1), PASSWORD), "the verifier is one of the catalog's password");
        assertNoPassword();

        recorded.answerOnce(READ, 0, existing("app", "t", m.group(1)), "");
        assertEquals(List.of(), plan(db), "in sync after apply");
    }

    @Test
    void anOwnerRoleWithPowersBeyondItsDatabasesLosesThemForADumpIsRestoredAsIt() throws Exception {
        recorded.answer(READ, 0, row("t", "app", "UTF8", "C.UTF-8", "C.UTF-8", "t", "t", "", "UTF8",
                "superuser, createdb, pg_execute_server_program"), "");
        PostgresqlDatabaseResource db = app(null);
        List<Change> changes = plan(db);
        assertEquals(List.of("role 'login, with superuser, createdb, pg_execute_server_program' -> 'login'"), described(changes));

        provider.apply(db, changes, context);
        assertEquals("ALTER ROLE :\"owner\" NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOREPLICATION;\n"
                + "REVOKE pg_execute_server_program FROM :\"owner\";\n", context.stdin.get(2));
    }

    @Test
    void driftOnTheRoleAndTheOwnerIsRepairedInOneTransactionAndObservingChangesNothing() throws Exception {
        String other = ScramVerifier.create("changed-by-hand", new SecureRandom());
        recorded.answer(READ, 0, existing("postgres", "f", other), "");
        PostgresqlDatabaseResource db = app(PASSWORD);
        List<Change> changes = plan(db);
        assertEquals(List.of("role 'nologin' -> 'login'", "password '[sensitive]' -> '[sensitive]'", "owner 'postgres' -> 'app'"),
                described(changes));
        assertEquals(PostgresqlDatabaseProvider.ANOTHER_PASSWORD, changes.get(1).previous());
        assertEquals(List.of(READ), recorded.commands, "a noop run reads once and changes nothing");

        provider.apply(db, changes, context);
        assertEquals(List.of(READ, READ, CHANGE), recorded.commands, "the database exists: no createdb");
        String script = context.stdin.get(2);
        Matcher m = VERIFIER.matcher(script);
        assertTrue(m.lookingAt(), script);
        assertEquals(m.group() + "ALTER ROLE :\"owner\" LOGIN;\nALTER ROLE :\"owner\" PASSWORD :'verifier';\n"
                + "ALTER DATABASE :\"name\" OWNER TO :\"owner\";\n", script);
        assertTrue(ScramVerifier.matches(m.group(1), PASSWORD));
        assertNoPassword();
    }

    @Test
    void aPasswordStoredAsMd5OrNoneIsReplacedAndNoPasswordManagesNone() throws Exception {
        recorded.answer(READ, 0, existing("app", "t", "md57cb133e596658708079ed4cfaaf64462"), "");
        assertEquals(List.of("password '[sensitive]' -> '[sensitive]'"), described(plan(app(PASSWORD))));
        RecordingContext none = new RecordingContext(root).answer(READ, 0, existing("app", "t", ""), "");
        context = new StdinContext(none);
        assertEquals(List.of("password absent -> '[sensitive]'"), described(plan(app(PASSWORD))));
        assertEquals(List.of(), plan(app(null)), "without a password in the catalog, the role's is left alone");
    }

    @Test
    void theServersNamesOfEncodingAndLocaleAreTheCatalogsInAnyCase() throws Exception {
        PostgresqlDatabaseResource db = new PostgresqlDatabaseResource("app", Ensure.PRESENT, "app", null, "utf8", "en_US.UTF-8", 5432,
                false);
        List<String> read = psql(false, "-v", "name=app", "-v", "owner=app", "-v", "encoding=utf8");
        recorded.answer(read, 0, row("t", "app", "UTF8", "en_US.utf8", "en_US.utf8", "t", "t", "", "UTF8", ""), "");
        assertEquals(List.of(), plan(db));
    }

    @Test
    void anotherEncodingOrLocaleIsShownAndApplyingRefusesToTouchTheDatabase() throws Exception {
        PostgresqlDatabaseResource db = new PostgresqlDatabaseResource("app", null, null, null, null, "en_US.UTF-8", null, false);
        recorded.answer(READ, 0, row("t", "app", "LATIN1", "C", "C", "t", "t", "", "UTF8", ""), "");
        List<Change> changes = plan(db);
        assertEquals(List.of("encoding 'LATIN1' -> 'UTF8'", "locale 'C' -> 'en_US.UTF-8'"), described(changes));
        ProviderException e = assertThrows(ProviderException.class, () -> provider.apply(db, changes, context));
        assertEquals("database app has encoding LATIN1 and locale C, and PostgreSQL cannot change a database's encoding or locale"
                + " in place: dump it (pg_dump), drop it, let the agent create it again and load the dump; or ask for what it has"
                + " (encoding: LATIN1, locale: C)", e.getMessage());
        assertEquals(List.of(READ, READ), recorded.commands, "only read");
    }

    @Test
    void createdbGetsTheLocaleWhenOneIsAskedFor() throws Exception {
        PostgresqlDatabaseResource db = new PostgresqlDatabaseResource("shop", null, "shop_owner", null, "LATIN1", "de_DE.ISO-8859-1", 5433,
                false);
        Files.writeString(root.resolve("var/run/postgresql/.s.PGSQL.5433"), "");
        List<String> read = psql(false, "-v", "name=shop", "-v", "owner=shop_owner", "-v", "encoding=LATIN1").stream()
                .map(a -> a.equals("5432") ? "5433" : a).toList();
        recorded.answer(read, 0, row("f", "", "", "", "", "t", "t", "", "LATIN1", ""), "");
        provider.apply(db, List.of(), context);
        assertEquals(List.of(read, concat(RUNUSER, List.of("/usr/bin/createdb", "-h", "/var/run/postgresql", "-p", "5433", "-U", "postgres",
                "--owner", "shop_owner", "--encoding", "LATIN1", "--template", "template0", "--locale", "de_DE.ISO-8859-1", "--", "shop"))),
                recorded.commands, "the role is there and may log in: nothing to do for it");
    }

    @Test
    void absentDropsTheDatabaseAndKeepsTheRole() throws Exception {
        recorded.answer(READ, 0, existing("app", "t", ""), "");
        PostgresqlDatabaseResource gone = new PostgresqlDatabaseResource("app", Ensure.ABSENT, null, null, null, null, null, true);
        List<Change> changes = plan(gone);
        assertEquals(List.of("ensure 'present' -> 'absent'"), described(changes));
        provider.apply(gone, changes, context);
        assertEquals(List.of(READ, DROP), recorded.commands);
        assertEquals("DROP DATABASE :\"name\" WITH (FORCE);\n", context.stdin.get(1));

        RecordingContext dropped = new RecordingContext(root).answer(READ, 0, nothing(), "");
        context = new StdinContext(dropped);
        assertEquals(List.of(), plan(gone));
    }

    @Test
    void withoutPostgresqlThereIsNoDatabaseAndCreatingOneSaysToInstallIt() throws Exception {
        Files.delete(root.resolve("usr/bin/psql"));
        PostgresqlDatabaseResource db = app(PASSWORD);
        List<Change> changes = plan(db);
        assertEquals(List.of("ensure 'absent (PostgreSQL is not installed (no /usr/bin/psql))' -> 'present'"), described(changes));
        ProviderException e = assertThrows(ProviderException.class, () -> provider.apply(db, changes, context));
        assertEquals("cannot create database app: PostgreSQL is not installed (no /usr/bin/psql); install it first: declare"
                + " package[postgresql] before this database", e.getMessage());
        assertEquals(List.of(), plan(new PostgresqlDatabaseResource("app", Ensure.ABSENT, null, null, null, null, null, true)));
        assertEquals(List.of(), recorded.commands, "nothing run");
    }

    @Test
    void aClusterThatIsDownFailsSayingHowToStartIt() throws Exception {
        Files.delete(root.resolve("var/run/postgresql/.s.PGSQL.5432"));
        recorded.answer(List.of("/usr/bin/pg_lsclusters"), 0,
                "15  main    5432 down   postgres /var/lib/postgresql/15/main /var/log/postgresql/postgresql-15-main.log\n", "");
        ProviderException e = assertThrows(ProviderException.class, () -> plan(app(PASSWORD)));
        assertEquals("cannot reach PostgreSQL on /var/run/postgresql port 5432: cluster 15/main is down; start it (pg_ctlcluster 15 main"
                + " start, or service postgresql start), or check 'port'", e.getMessage());
        assertEquals(List.of(List.of("/usr/bin/pg_lsclusters", "--no-header")), recorded.commands);
    }

    @Test
    void aPortNoClusterUsesHasNoDatabase() throws Exception {
        recorded.answer(List.of("/usr/bin/pg_lsclusters"), 0,
                "15  main    5432 online postgres /var/lib/postgresql/15/main /var/log/postgresql/postgresql-15-main.log\n", "");
        PostgresqlDatabaseResource db = new PostgresqlDatabaseResource("app", null, null, null, null, null, 5499, false);
        assertEquals(List.of("ensure 'absent (no PostgreSQL cluster uses port 5499 (pg_lsclusters: 15/main on 5432))' -> 'present'"),
                described(plan(db)));
        ProviderException e = assertThrows(ProviderException.class, () -> provider.apply(db, List.of(), context));
        assertEquals("cannot create database app: no PostgreSQL cluster uses port 5499 (pg_lsclusters: 15/main on 5432); check 'port',"
                + " or set up a cluster on it (pg_createcluster)", e.getMessage());
    }

    @Test
    void aServerThatRefusesTheConnectionFailsSayingSo() throws Exception {
        recorded.answer(READ, 2, "", "could not change directory to \"/root\": Permission denied\npsql: error: connection to server on"
                + " socket \"/var/run/postgresql/.s.PGSQL.5432\" failed: Connection refused\n\tIs the server running locally and accepting"
                + " connections on that socket?\n");
        ProviderException e = assertThrows(ProviderException.class, () -> plan(app(PASSWORD)));
        assertEquals("cannot reach PostgreSQL on /var/run/postgresql port 5432: start it (pg_ctlcluster VERSION main start, or service"
                + " postgresql start), or check 'port'; psql said:\npsql: error: connection to server on socket"
                + " \"/var/run/postgresql/.s.PGSQL.5432\" failed: Connection refused\n\tIs the server running locally and accepting"
                + " connections on that socket?", e.getMessage());
    }

    @Test
    void aFailingChangeShowsWhatPsqlSaidWithoutThePasswordOrItsVerifier() throws Exception {
        recorded.answer(READ, 0, nothing(), "");
        List<String> echoed = new ArrayList<>();
        // psql echoes the failing line with its variables substituted: the verifier it was given
        CommandRunner failing = (argv, env, stdin) -> {
            if (argv.contains("--single-transaction")) {
                Matcher m = VERIFIER.matcher(new String(stdin, StandardCharsets.UTF_8));
                assertTrue(m.lookingAt());
                echoed.add(m.group(1));
                return new CommandResult(argv, 3, "", "psql:<stdin>:2: ERROR:  permission denied to create role\nLINE 1: CREATE ROLE"
                        + " \"app\" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '" + m.group(1) + "' -- " + PASSWORD + "\n");
            }
            return context.run(argv, env, stdin);
        };
        ProviderException e = assertThrows(ProviderException.class, () -> provider.apply(app(PASSWORD), List.of(), context.with(failing)));
        assertEquals("cannot set up database app and its role app: psql exited with 3:\npsql:<stdin>:2: ERROR:  permission denied to create"
                + " role\nLINE 1: CREATE ROLE \"app\" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '[sensitive]' -- [sensitive]",
                e.getMessage());
        assertEquals(1, echoed.size());
    }

    @Test
    void aPasswordBeyondAsciiIsRefusedBeforeAnythingRuns() {
        ProviderException e = assertThrows(ProviderException.class, () -> plan(app("pässwörd")));
        assertEquals("the password of database app holds characters outside ASCII, which PostgreSQL prepares with SASLprep before"
                + " hashing and Kraftwerk cannot: use a password of ASCII characters", e.getMessage());
        assertEquals(List.of(), recorded.commands);
    }

    @Test
    void anEncodingTheServerDoesNotKnowFailsSayingSo() throws Exception {
        PostgresqlDatabaseResource db = new PostgresqlDatabaseResource("app", null, null, null, "UTF9", null, null, false);
        recorded.answer(psql(false, "-v", "name=app", "-v", "owner=app", "-v", "encoding=UTF9"), 0,
                row("f", "", "", "", "", "f", "", "", "", ""), "");
        ProviderException e = assertThrows(ProviderException.class, () -> plan(db));
        assertEquals("PostgreSQL knows no encoding 'UTF9': use one of its names, such as UTF8 or LATIN1 (SELECT pg_encoding_to_char(i)"
                + " FROM generate_series(0, 41) i lists them)", e.getMessage());
    }

    @Test
    void theLocaleIsComparedAsGlibcNamesIt() {
        assertTrue(PostgresqlDatabaseProvider.sameLocale("en_US.UTF-8", "en_US.utf8"));
        assertTrue(PostgresqlDatabaseProvider.sameLocale("de_DE.ISO-8859-15@euro", "de_DE.iso885915@euro"));
        assertTrue(PostgresqlDatabaseProvider.sameLocale("C", "C"));
        assertFalse(PostgresqlDatabaseProvider.sameLocale("en_US.UTF-8", "en_GB.UTF-8"));
        assertFalse(PostgresqlDatabaseProvider.sameLocale("C.UTF-8", "C"));
    }

    private void assertNoPassword() {
        for (List<String> argv : recorded.commands) {
            assertFalse(String.join(" ", argv).contains(PASSWORD), "on argv: " + argv);
            assertFalse(String.join(" ", argv).contains("SCRAM"), "a verifier on argv: " + argv);
        }
        for (String in : context.stdin) {
            assertTrue(in == null || !in.contains(PASSWORD), "on standard input: " + in);
        }
        assertNull(recorded.environments.stream().filter(env -> !env.isEmpty()).findAny().orElse(null), "no environment either");
    }

    /** psql with the options every run has, then {@code more}, then the script from standard input. */
    private static List<String> psql(boolean oneTransaction, String... more) {
        List<String> argv = new ArrayList<>(RUNUSER);
        argv.addAll(List.of("/usr/bin/psql", "-X", "-q", "-A", "-t", "-z", "-0", "-v", "ON_ERROR_STOP=1"));
        if (oneTransaction) {
            argv.add("--single-transaction");
        }
        argv.addAll(CONNECTION);
        argv.addAll(List.of("-d", "postgres"));
        argv.addAll(List.of(more));
        argv.addAll(List.of("-f", "-"));
        return List.copyOf(argv);
    }

    @SafeVarargs
    private static List<String> concat(List<String>... parts) {
        List<String> out = new ArrayList<>();
        for (List<String> p : parts) {
            out.addAll(p);
        }
        return out;
    }

    /** A {@link RecordingContext} that also keeps what each command read on standard input (null: nothing). */
    private static final class StdinContext implements ProviderContext, CommandRunner {
        final List<String> stdin = new ArrayList<>();
        private final RecordingContext recorded;
        private final CommandRunner runner;

        StdinContext(RecordingContext recorded) {
            this(recorded, null);
        }

        private StdinContext(RecordingContext recorded, CommandRunner runner) {
            this.recorded = recorded;
            this.runner = runner;
        }

        /** The same context whose commands go to {@code runner} (which may hand them back to this one). */
        StdinContext with(CommandRunner runner) {
            return new StdinContext(recorded, runner);
        }

        @Override
        public CommandResult run(List<String> argv, Map<String, String> env, byte[] in) {
            stdin.add(in == null ? null : new String(in, StandardCharsets.UTF_8));
            return recorded.run(argv, env, in);
        }

        @Override
        public CommandRunner runner() {
            return runner == null ? this : runner;
        }

        @Override
        public Path root() {
            return recorded.root();
        }

        @Override
        public BackupStore backups() {
            return recorded.backups();
        }

        @Override
        public FsOps fs() {
            return recorded.fs();
        }

        @Override
        public Clock clock() {
            return recorded.clock();
        }

        @Override
        public Duration serviceTimeout() {
            return recorded.serviceTimeout();
        }

        @Override
        public long generation() {
            return recorded.generation();
        }

        @Override
        public void log(LogLine.Level level, String source, String message) {
            recorded.log(level, source, message);
        }
    }
}
