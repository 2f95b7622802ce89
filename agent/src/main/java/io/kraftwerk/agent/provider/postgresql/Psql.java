package io.kraftwerk.agent.provider.postgresql;

import io.kraftwerk.agent.exec.CommandResult;
import io.kraftwerk.agent.provider.ProviderContext;
import io.kraftwerk.agent.provider.ProviderException;
import io.kraftwerk.agent.provider.ReportText;
import io.kraftwerk.model.resource.PostgresqlDatabaseResource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * psql and createdb as the server's {@code postgres} user (runuser, no shell), over the Unix socket
 * (Debian's peer authentication: the agent needs no password of its own), with the caller's
 * values as psql variables. A script goes on psql's standard input: psql substitutes
 * {@code :'name'} (a literal) and {@code :"name"} (an identifier) there, quoting them itself, but
 * not in {@code -c}; and standard input, unlike argv, is not readable by every user in /proc, so
 * secret values are set there with {@code \set}. Output is read as fields and rows separated by
 * NUL bytes, which no name or stored password can hold.
 */
public final class Psql {
    public static final String RUNUSER = "/usr/sbin/runuser";
    static final String PSQL = "/usr/bin/psql";
    static final String CREATEDB = "/usr/bin/createdb";
    /** Exit status of psql when it could not connect (or lost the connection). */
    static final int CONNECTION_FAILED = 2;
    private static final int OUTPUT_LINES = 10;
    private final int port;
    private final List<String> secrets;

    /** @param secrets values cut from any output a failure reports (psql echoes the failing line of a script) */
    public Psql(int port, List<String> secrets) {
        this.port = port;
        this.secrets = secrets;
    }

    /** Where the agent connects, as messages say it: {@code /var/run/postgresql port 5432}. */
    public static String where(int port) {
        return PostgresqlDatabaseResource.SOCKET_DIRECTORY + " port " + port;
    }

    /** The argv of one psql run: its script on standard input; one transaction when asked (all or nothing). */
    List<String> argv(Map<String, String> variables, boolean oneTransaction) {
        List<String> argv = new ArrayList<>(List.of(RUNUSER, "-u", "postgres", "--", PSQL, "-X", "-q", "-A", "-t", "-z", "-0",
                "-v", "ON_ERROR_STOP=1"));
        if (oneTransaction) {
            argv.add("--single-transaction");
        }
        argv.addAll(connection());
        argv.addAll(List.of("-d", "postgres"));
        variables.forEach((name, value) -> argv.addAll(List.of("-v", name + "=" + value)));
        argv.addAll(List.of("-f", "-"));
        return argv;
    }

    /**
     * Runs {@code script} and returns its output. {@code what} names the step for a failure
     * ("cannot read database app: …").
     */
    public String run(String what, Map<String, String> variables, String script, boolean oneTransaction, ProviderContext context)
            throws IOException, ProviderException {
        CommandResult result = context.runner().run(argv(variables, oneTransaction), Map.of(),
                script.getBytes(StandardCharsets.UTF_8));
        if (!result.succeeded()) {
            throw failure(what, "psql", result);
        }
        return result.stdout();
    }

    /** createdb: it quotes the name, owner and encoding itself; template0, so any encoding and locale may be asked for. */
    public void createdb(PostgresqlDatabaseResource db, ProviderContext context) throws IOException, ProviderException {
        List<String> argv = new ArrayList<>(List.of(RUNUSER, "-u", "postgres", "--", CREATEDB));
        argv.addAll(connection());
        argv.addAll(List.of("--owner", db.owner(), "--encoding", db.encoding(), "--template", "template0"));
        if (db.locale() != null) {
            argv.addAll(List.of("--locale", db.locale()));
        }
        argv.addAll(List.of("--", db.name()));
        CommandResult result = context.runner().run(argv);
        if (!result.succeeded()) {
            throw failure("cannot create database " + db.name(), "createdb", result);
        }
    }

    /**
     * {@code \set NAME 'VALUE'} lines for values that must stay off argv. Each value must be base64
     * or alike: no quote and no backslash, which psql would read as the end or an escape.
     */
    static String set(Map<String, String> values) {
        return values.entrySet().stream().map(e -> {
            if (!e.getValue().matches("[A-Za-z0-9+/=:$-]*")) {
                throw new IllegalArgumentException("a value psql would read differently (this is a Kraftwerk bug, please report it)");
            }
            return "\\set " + e.getKey() + " '" + e.getValue() + "'\n";
        }).collect(Collectors.joining());
    }

    /** Variables in the order given, for an argv that is always the same. */
    public static Map<String, String> variables(String... nameValue) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i + 1 < nameValue.length; i += 2) {
            out.put(nameValue[i], nameValue[i + 1]);
        }
        return out;
    }

    /** The rows of a query's output (-z -0): fields and rows end with a NUL byte. */
    static List<List<String>> rows(String stdout, int fields) throws ProviderException {
        List<String> all = List.of(stdout.split("\0", -1));
        List<String> values = all.isEmpty() ? all : all.subList(0, all.size() - 1); // after the last row's NUL
        if (values.size() % fields != 0) {
            throw new ProviderException("psql answered " + values.size() + " values where rows of " + fields
                    + " were asked for (this is a Kraftwerk bug, please report it)");
        }
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < values.size(); i += fields) {
            rows.add(values.subList(i, i + fields));
        }
        return rows;
    }

    /** How every program of the agent connects: the socket, the port, as postgres. */
    public List<String> connection() {
        return List.of("-h", PostgresqlDatabaseResource.SOCKET_DIRECTORY, "-p", String.valueOf(port), "-U", "postgres");
    }

    private ProviderException failure(String what, String program, CommandResult result) {
        String errors = cleaned(result.stderr());
        String output = errors.isEmpty() ? cleaned(result.stdout()) : errors;
        if (result.exitCode() == CONNECTION_FAILED) {
            boolean down = output.contains("Connection refused") || output.contains("No such file or directory");
            return new ProviderException("cannot reach PostgreSQL on " + where(port) + ": " + (down
                    ? "start it (pg_ctlcluster VERSION main start, or service postgresql start), or check 'port'"
                    : "let its postgres user in over the socket (Debian's pg_hba.conf begins with 'local all postgres peer')")
                    + "; " + program + " said:\n" + output);
        }
        return new ProviderException(what + ": " + program + " exited with "
                + result.exitCode() + (output.isEmpty() ? "" : ":\n" + output));
    }

    /**
     * What psql printed, fit for a report: secrets cut, and without the warning every PostgreSQL
     * program prints when runuser leaves it in a directory postgres may not read (root's home).
     */
    private String cleaned(String text) {
        Map<String, String> named = new LinkedHashMap<>();
        for (int i = 0; i < secrets.size(); i++) {
            named.put("secret" + i, secrets.get(i));
        }
        String kept = text.lines().filter(l -> !l.matches("could not change directory to \".*\": Permission denied"))
                .collect(Collectors.joining("\n"));
        return ReportText.lastLines(ReportText.withoutSecrets(kept, named, List.copyOf(named.keySet())), OUTPUT_LINES);
    }
}
