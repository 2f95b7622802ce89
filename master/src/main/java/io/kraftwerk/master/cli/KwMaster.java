package io.kraftwerk.master.cli;

import io.quarkus.runtime.annotations.QuarkusMain;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code kw-master}: the master's command line. Exit status: 0 success, 1 the manifests have
 * errors (or a CA operation failed), 2 wrong usage. Only {@code serve} starts Quarkus; the other
 * commands run without it, fast.
 */
@QuarkusMain
@Command(name = "kw-master", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Kraftwerk master: compiles per-node catalogs from manifests.",
        subcommands = {CompileCommand.class, LintCommand.class, DiffCommand.class, RolloutCommand.class, ServeCommand.class, CaCommand.class, ArtifactsCommand.class,
                SecretsCommand.class,
                AdminTokenCommand.class,
                CommandLine.HelpCommand.class})
public final class KwMaster {
    public static final int EXIT_MANIFEST_ERRORS = 1;
    public static final int EXIT_USAGE = 2;

    public static void main(String... args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns the exit status. */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** The configured command line, for tests that capture its output. */
    static CommandLine commandLine() {
        return new CommandLine(new KwMaster())
                .setExitCodeExceptionMapper(e -> EXIT_USAGE)
                .setParameterExceptionHandler((e, a) -> {
                    e.getCommandLine().getErr().println("kw-master: " + e.getMessage());
                    e.getCommandLine().getErr().println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName()
                            + " --help' for usage.");
                    return EXIT_USAGE;
                });
    }
}
