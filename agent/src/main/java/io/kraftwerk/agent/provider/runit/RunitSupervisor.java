package io.kraftwerk.agent.provider.runit;

import io.kraftwerk.agent.fs.FsEntry;
import io.kraftwerk.agent.provider.Change;
import io.kraftwerk.agent.provider.Desired;
import io.kraftwerk.agent.provider.Observed;
import io.kraftwerk.agent.provider.Property;
import io.kraftwerk.agent.provider.ProviderContext;
import io.kraftwerk.agent.provider.ProviderException;
import io.kraftwerk.agent.provider.ReportText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Service directories under runit: {@code /etc/sv/NAME} with {@code run}, {@code log/run}, an
 * {@code env/} directory and a {@code down} file for services held down, linked from
 * {@code /etc/service/NAME} where runsvdir picks them up. State is read from runsv's
 * {@code supervise/stat}; changes go through sv(8).
 */
public final class RunitSupervisor {
    /** The log lines a failed health check shows, and how much of the log is read to find them. */
    static final int LOG_LINES = 10;
    static final long LOG_READ = 2L * 1024 * 1024;
    public static final String SV = "/etc/sv/";
    public static final String SERVICE = "/etc/service/";

    public Desired desired(ServiceSpec spec) {
        Desired d = new Desired().ensure(spec.present() ? "present" : "absent");
        if (!spec.present()) {
            return d;
        }
        d.plain("state", spec.running() ? "running" : "stopped").plain("enabled", "true")
                .content("run", spec.run(), false).content("log_run", spec.logRun(), false)
                .plain("env_names", String.join(",", spec.env().keySet()));
        spec.env().forEach((k, v) -> d.put(new Property("env." + k, v,
                spec.sensitiveEnv().contains(k) ? Property.Kind.SECRET
                        : Property.Kind.PLAIN)));
        spec.configFiles().forEach((name, content) -> d.content("file." + name, content, false));
        return d;
    }

    public Observed observe(ServiceSpec spec, ProviderContext context) throws IOException {
        Path dir = context.path(SV + spec.name());
        if (!Files.isRegularFile(dir.resolve("run"))) {
            return Files.exists(dir) ? new Observed().put(Desired.ENSURE, "incomplete (no run script)") : Observed.absent();
        }
        Observed o = new Observed().put(Desired.ENSURE, "present")
                .put("run", read(dir.resolve("run")))
                .put("log_run", read(dir.resolve("log/run")))
                .put("enabled", String.valueOf(linked(spec, context)))
                .put("state", state(dir));
        SortedMap<String, String> env = env(spec.name(), context);
        env.forEach((k, v) -> o.put("env." + k, v));
        o.put("env_names", String.join(",", env.keySet()));
        for (String name : spec.configFiles().keySet()) {
            o.put("file." + name, read(dir.resolve(name)));
        }
        return o;
    }

    /**
     * @return true when the service was (re)started as part of applying (a refresh is then moot)
     */
    public boolean apply(ServiceSpec spec, List<Change> changes, ProviderContext context)
            throws IOException, ProviderException, InterruptedException {
        Path dir = context.path(SV + spec.name());
        if (!spec.present()) {
            remove(spec, dir, context);
            return false;
        }
        boolean created = !Files.isDirectory(dir.resolve("supervise"));
        boolean filesChanged = changes.stream().anyMatch(c -> !c.property().equals("state") && !c.property().equals("enabled"));
        if (filesChanged) {
            writeFiles(spec, dir, context);
        }
        link(spec, context);
        waitForRunsv(spec, dir, context);
        boolean started = false;
        if (spec.running()) {
            if (filesChanged && !created) {
                sv(context, "restart", dir);
                started = true;
            } else {
                started = created || changes.stream().anyMatch(c -> c.property().equals("state"));
                sv(context, "up", dir);
            }
        } else {
            sv(context, "down", dir);
        }
        if (started) {
            healthCheck(spec, context);
        }
        return started;
    }

    /**
     * Installs a service afresh and brings it up, whatever was there: a release's services are new
     * to the node, or come back for a rollback. The health check is the caller's.
     */
    public void start(ServiceSpec spec, ProviderContext context) throws IOException, ProviderException, InterruptedException {
        Path dir = context.path(SV + spec.name());
        writeFiles(spec, dir, context);
        link(spec, context);
        waitForRunsv(spec, dir, context);
        sv(context, "up", dir);
    }

    /** Brings a service that is still installed back: linked again, then up. */
    public void resume(ServiceSpec spec, ProviderContext context) throws IOException, ProviderException, InterruptedException {
        Path dir = context.path(SV + spec.name());
        link(spec, context);
        waitForRunsv(spec, dir, context);
        sv(context, "up", dir);
    }

    /**
     * Stops a service gracefully (runit's TERM: gunicorn lets in-flight requests finish) and takes it
     * from runsvdir, keeping its directory for a later {@link #resume}.
     */
    public void park(ServiceSpec spec, ProviderContext context) throws IOException, ProviderException {
        Path dir = context.path(SV + spec.name());
        if (supervised(dir, context)) {
            sv(context, "force-stop", dir);
        }
        Path link = context.path(SERVICE + spec.name());
        if (Files.isSymbolicLink(link)) {
            Files.delete(link);
        }
        exitRunsv(dir, context);
    }

    /** A runsv is behind the service's supervise/ok (the FIFO outlives it). */
    private static boolean supervised(Path dir, ProviderContext context) throws IOException {
        return Files.exists(dir.resolve("supervise/ok")) && context.runner().run(List.of("sv", "status", dir.toString())).succeeded();
    }

    /**
     * Asks the service's runsv (and its log's) to exit, and waits until they have: one still
     * exiting writes into supervise/ while the directory is removed, or is found by a resume.
     */
    private static void exitRunsv(Path dir, ProviderContext context) throws IOException {
        for (Path d : List.of(dir, dir.resolve("log"))) {
            if (!supervised(d, context)) {
                continue;
            }
            context.runner().run(List.of("sv", "exit", d.toString()));
            long deadline = System.nanoTime() + context.serviceTimeout().toNanos();
            while (context.runner().run(List.of("sv", "status", d.toString())).succeeded() && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Stops a service and removes its directory. */
    public void removeService(ServiceSpec spec, ProviderContext context) throws IOException, ProviderException {
        remove(spec, context.path(SV + spec.name()), context);
    }

    /** Sends a command to a service through sv: {@code hup}, {@code restart}, … */
    public void signal(ServiceSpec spec, String command, ProviderContext context) throws IOException, ProviderException {
        sv(context, command, context.path(SV + spec.name()));
    }

    /** Whether runsv reports the service running. */
    public boolean running(String name, ProviderContext context) throws IOException {
        return state(context.path(SV + name)).equals("running");
    }

    /** The env a service's directory holds (/etc/sv/NAME/env, one file per variable), by name; empty when none. */
    public static SortedMap<String, String> env(String name, ProviderContext context) throws IOException {
        SortedMap<String, String> env = new TreeMap<>();
        Path dir = context.path(SV + name + "/env");
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                for (Path f : files) {
                    env.put(f.getFileName().toString(), read(f));
                }
            }
        }
        return env;
    }

    /** Restarts a running service (a notification from a changed config or virtualenv). */
    public String restart(ServiceSpec spec, ProviderContext context)
            throws IOException, ProviderException, InterruptedException {
        if (!spec.present() || !spec.running()) {
            return "not restarted: the service is meant to be " + (spec.present() ? "stopped" : "absent");
        }
        sv(context, "restart", context.path(SV + spec.name()));
        healthCheck(spec, context);
        return "restarted";
    }

    private void writeFiles(ServiceSpec spec, Path dir, ProviderContext context) throws IOException, ProviderException {
        Files.createDirectories(dir.resolve("log"));
        Files.createDirectories(dir.resolve("env"));
        context.fs().setMode(dir.resolve("env"), "0700");
        Files.createDirectories(context.path(spec.logDir()));
        if (spec.running()) {
            Files.deleteIfExists(dir.resolve("down"));
        } else {
            // runsv leaves a service with a 'down' file down when it picks it up, and after reboots
            context.fs().writeAtomically(dir.resolve("down"), new byte[0], "root", "root", "0644");
        }
        for (Map.Entry<String, String> e : spec.env().entrySet()) {
            context.fs().writeAtomically(dir.resolve("env").resolve(e.getKey()), bytes(e.getValue()), "root", "root", "0600");
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir.resolve("env"))) {
            for (Path f : files) {
                if (!spec.env().containsKey(f.getFileName().toString())) {
                    Files.delete(f);
                }
            }
        }
        for (Map.Entry<String, String> e : spec.configFiles().entrySet()) {
            context.fs().writeAtomically(dir.resolve(e.getKey()), bytes(e.getValue()), "root", "root", "0644");
        }
        context.fs().writeAtomically(dir.resolve("log/run"), bytes(spec.logRun()), "root", "root", "0755");
        // the run script last: runsv starts the service as soon as it sees it
        context.fs().writeAtomically(dir.resolve("run"), bytes(spec.run()), "root", "root", "0755");
    }

    private static void link(ServiceSpec spec, ProviderContext context) throws IOException, ProviderException {
        Path link = context.path(SERVICE + spec.name());
        if (linked(spec, context)) {
            return;
        }
        FsEntry existing = context.fs().stat(link);
        if (existing.type() == FsEntry.Type.SYMLINK) {
            Files.delete(link);
        } else if (existing.exists()) {
            throw new ProviderException(SERVICE + spec.name() + " is " + existing.describe()
                    + ", not a link to " + SV + spec.name() + "; Kraftwerk leaves it alone");
        }
        Files.createDirectories(link.getParent());
        Files.createSymbolicLink(link, Path.of(SV + spec.name()));
    }

    private static boolean linked(ServiceSpec spec, ProviderContext context) throws IOException {
        Path link = context.path(SERVICE + spec.name());
        return Files.isSymbolicLink(link) && Files.readSymbolicLink(link).toString().equals(SV + spec.name());
    }

    /**
     * runsvdir notices new links within seconds; sv needs a runsv behind supervise/ok before it can
     * act. A service that was supervised before keeps its supervise/ok (a FIFO) after its runsv
     * exited, so its presence is not enough: sv status must reach a runsv.
     */
    private static void waitForRunsv(ServiceSpec spec, Path dir, ProviderContext context)
            throws IOException, ProviderException, InterruptedException {
        long deadline = System.nanoTime() + context.serviceTimeout().toNanos();
        while (!Files.exists(dir.resolve("supervise/ok"))
                || !context.runner().run(List.of("sv", "status", dir.toString())).succeeded()) {
            if (System.nanoTime() > deadline) {
                throw new ProviderException("runsv did not pick up " + SERVICE + spec.name() + " within "
                        + context.serviceTimeout().toSeconds() + " s: is runsvdir running? (start it with"
                        + " 'runsvdir -P /etc/service', or enable the runit service of your init)");
            }
            Thread.sleep(100);
        }
    }

    private static void remove(ServiceSpec spec, Path dir, ProviderContext context)
            throws IOException, ProviderException {
        Path link = context.path(SERVICE + spec.name());
        if (Files.isSymbolicLink(link)) {
            Files.delete(link);
        }
        if (supervised(dir, context)) {
            sv(context, "force-stop", dir);
        }
        exitRunsv(dir, context);
        if (Files.exists(dir)) {
            context.check(List.of("rm", "-rf", "--one-file-system", "--", dir.toString()));
        }
    }

    private static void sv(ProviderContext context, String command, Path dir) throws IOException, ProviderException {
        List<String> argv = new ArrayList<>(List.of("sv", "-w", String.valueOf(context.serviceTimeout().toSeconds()),
                command, dir.toString()));
        context.check(argv);
    }

    private static void healthCheck(ServiceSpec spec, ProviderContext context) throws ProviderException, InterruptedException {
        if (spec.healthCheck() != null) {
            String problem = spec.healthCheck().check();
            if (problem != null) {
                throw new ProviderException(spec.id() + " started, but its health check failed: " + problem + logTail(spec, context));
            }
        }
    }

    /**
     * The last lines of the service's log (svlogd's {@code current}), which usually say why: a
     * traceback, a missing setting. Values of its sensitive env are cut, as the report never holds them.
     */
    public static String logTail(ServiceSpec spec, ProviderContext context) {
        String file = spec.logDir() + "/current";
        try {
            String log = new String(context.fs().read(context.path(file), LOG_READ), StandardCharsets.UTF_8);
            if (log.isBlank()) {
                return "";
            }
            String safe = ReportText.withoutSecrets(log, spec.env(), spec.sensitiveEnv());
            String tail = ReportText.lastLines(safe, LOG_LINES);
            String error = lastError(safe);
            return (error == null || tail.contains(error) ? "" : "\nthe last error in its log: " + error)
                    + "\nthe last lines of its log (" + file + "):\n" + tail;
        } catch (IOException | ProviderException e) {
            return ""; // no log yet, or one too large to read: the answer above stands alone
        }
    }

    /** A Python exception line ("ModuleNotFoundError: No module named 'x'"), which a crash loop's last lines often bury. */
    private static final Pattern ERROR = Pattern.compile(
            "(?:^|\\s)((?:[A-Za-z_][\\w]*\\.)*[A-Za-z_]\\w*(?:Error|Exception)(?::\\s.*)?)$");

    static String lastError(String log) {
        List<String> lines = log.lines().toList();
        for (int i = lines.size() - 1; i >= 0; i--) {
            Matcher m = ERROR.matcher(lines.get(i).strip());
            if (m.find()) {
                return m.group(1);
            }
        }
        return null;
    }

    private static String state(Path dir) throws IOException {
        Path stat = dir.resolve("supervise/stat");
        if (!Files.exists(stat)) {
            return "stopped"; // not supervised: runsvdir has not picked it up, or is not running
        }
        return read(stat).strip().startsWith("run") ? "running" : "stopped";
    }

    private static String read(Path path) throws IOException {
        return Files.exists(path) ? Files.readString(path, StandardCharsets.UTF_8) : null;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
