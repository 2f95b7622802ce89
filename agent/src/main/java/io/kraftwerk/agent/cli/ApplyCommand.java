package io.kraftwerk.agent.cli;

import io.kraftwerk.agent.config.AgentConfig;
import io.kraftwerk.agent.engine.Engine;
import io.kraftwerk.agent.engine.RunLock;
import io.kraftwerk.agent.engine.RunOptions;
import io.kraftwerk.model.catalog.Catalog;
import io.kraftwerk.model.json.DocumentFormatException;
import io.kraftwerk.model.json.ModelJson;
import io.kraftwerk.model.report.CatalogSource;
import io.kraftwerk.model.report.Report;
import io.kraftwerk.model.validation.ModelValidator;
import io.kraftwerk.model.ModelTypes;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code kw-agent apply CATALOG.json [--noop] [--json REPORT.json]}: converges this node to a catalog
 * file, masterless, like {@code puppet apply}.
 */
final class ApplyCommand {
    static final int EXIT_NOT_RUN = 1;

    private ApplyCommand() {
    }

    static String usage() {
        return """
                Usage: kw-agent apply CATALOG.json [--noop] [--json REPORT.json] [--state-dir DIR]
                                      [--lock-timeout SECONDS] [--service-timeout SECONDS]
                                      [--dpkg-lock-timeout SECONDS]

                Converges this node to the catalog (as 'kw-master compile' writes it).
                  --noop              change nothing: print and report what would change
                  --json FILE         also write the run's report to FILE ('-' for standard output)
                  --state-dir DIR     drift state, lock, backups and reports (default /var/lib/kraftwerk)
                  --lock-timeout S    wait this long for another run to finish (default 300)
                  --service-timeout S wait this long for services and health checks (default 60)
                  --dpkg-lock-timeout S  wait this long for another apt or dpkg to let go of the dpkg lock
                                      (default 300; kw-agent run takes dpkg_lock_timeout from agent.yaml)

                Exit status: 0 nothing to change, 2 changes made (with --noop: changes pending),
                4 failures, 6 changes and failures, 1 the run could not start, 64 wrong usage.
                """;
    }

    static int run(List<String> args, PrintStream out, PrintStream err) {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("kw-agent apply: " + e.getMessage());
            err.print(usage());
            return KwAgent.EXIT_USAGE;
        }
        if (o.help) {
            out.print(usage());
            return 0;
        }
        // Validation metadata takes as long to build as the catalog takes to parse: do both at once.
        Thread warmUp = new Thread(() -> ModelValidator.get().warmUp(ModelTypes.CATALOG_RECORDS), "validator-warm-up");
        warmUp.setDaemon(true);
        warmUp.start();
        Catalog catalog;
        try {
            catalog = ModelJson.readCatalog(Files.readAllBytes(o.catalog), o.catalog.toString());
        } catch (IOException e) {
            err.println("kw-agent apply: cannot read " + o.catalog + ": " + e.getMessage());
            return EXIT_NOT_RUN;
        } catch (DocumentFormatException e) {
            e.problems().forEach(err::println);
            err.println("kw-agent apply: the catalog is not valid; nothing was changed");
            return EXIT_NOT_RUN;
        }
        AgentPaths paths = new AgentPaths(o.stateDir);
        PrintStream human = o.json != null && o.json.toString().equals("-") ? err : out;
        try (RunLock lock = RunLock.acquire(paths.lock(), o.lockTimeout)) {
            Report report = Convergence.converge(catalog, paths, new RunOptions(o.noop, CatalogSource.FILE, ""), List.of(),
                    o.serviceTimeout, o.dpkgLockTimeout, human);
            writeReports(report, paths, o, out, err);
            return Engine.exitCode(report);
        } catch (RunLock.BusyException e) {
            err.println("kw-agent apply: " + e.getMessage());
            return EXIT_NOT_RUN;
        } catch (IOException e) {
            err.println("kw-agent apply: " + e.getMessage());
            return EXIT_NOT_RUN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return EXIT_NOT_RUN;
        }
    }

    private static void writeReports(Report report, AgentPaths paths, Options o, PrintStream out, PrintStream err) {
        byte[] json = Convergence.keepReport(report, paths, err);
        try {
            if (o.json != null && o.json.toString().equals("-")) {
                out.write(json);
                out.flush();
            } else if (o.json != null) {
                Convergence.fs().writeAtomically(o.json.toAbsolutePath(), json, null, null, "0600");
            }
        } catch (Exception e) {
            err.println("kw-agent apply: cannot write the report: " + e.getMessage());
        }
    }

    /** The command line, parsed by hand: the agent starts without a CLI framework. */
    static final class Options {
        Path catalog;
        boolean noop;
        boolean help;
        Path json;
        Path stateDir = AgentPaths.DEFAULT_STATE_DIR;
        Duration lockTimeout = Duration.ofSeconds(300);
        Duration serviceTimeout = Duration.ofSeconds(60);
        Duration dpkgLockTimeout = AgentConfig.DEFAULT_DPKG_LOCK_TIMEOUT;

        static Options parse(List<String> args) {
            Options o = new Options();
            List<String> positional = new ArrayList<>();
            for (int i = 0; i < args.size(); i++) {
                String a = args.get(i);
                switch (a) {
                    case "--noop", "-n" -> o.noop = true;
                    case "--help", "-h" -> o.help = true;
                    case "--json" -> o.json = Path.of(value(args, ++i, a));
                    case "--state-dir" -> o.stateDir = Path.of(value(args, ++i, a)).toAbsolutePath();
                    case "--lock-timeout" -> o.lockTimeout = seconds(value(args, ++i, a), a);
                    case "--service-timeout" -> o.serviceTimeout = seconds(value(args, ++i, a), a);
                    case "--dpkg-lock-timeout" -> o.dpkgLockTimeout = seconds(value(args, ++i, a), a);
                    default -> {
                        if (a.startsWith("-") && !a.equals("-")) {
                            throw new IllegalArgumentException("unknown option '" + a + "'");
                        }
                        positional.add(a);
                    }
                }
            }
            if (o.help) {
                return o;
            }
            if (positional.size() != 1) {
                throw new IllegalArgumentException(positional.isEmpty() ? "missing the catalog file"
                        : "one catalog file at a time, got " + positional.size());
            }
            o.catalog = Path.of(positional.get(0));
            return o;
        }

        private static String value(List<String> args, int i, String option) {
            if (i >= args.size()) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args.get(i);
        }

        private static Duration seconds(String text, String option) {
            if (!text.matches("[0-9]{1,6}")) {
                throw new IllegalArgumentException(option + " takes a number of seconds, not '" + text + "'");
            }
            return Duration.ofSeconds(Long.parseLong(text));
        }
    }
}
