package io.kraftwerk.master.cli;

import io.kraftwerk.master.auth.AdminToken;
import io.kraftwerk.master.settings.MasterPaths;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kw-master admin-token [--rotate]}: makes the admin token the master needs to start
 * (256 random bits, 0600, written atomically), or replaces it. An existing good token is kept
 * unless {@code --rotate} is given; a weak one is reported, never silently replaced.
 */
@Command(name = "admin-token", mixinStandardHelpOptions = true,
        description = {"Make the admin token (DATA/admin.token: 256 random bits, mode 0600), or replace it with --rotate.",
            "The master refuses to start without a good one. It is the API's bearer token and the dashboard's sign-in."})
final class AdminTokenCommand implements Callable<Integer> {
    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "/var/lib/kraftwerk-master",
            description = "The master's data directory (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--rotate", description = "Replace the token (restart the master to use the new one).")
    boolean rotate;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path file = new MasterPaths(dataDir).adminToken();
        try {
            boolean exists = Files.exists(file);
            if (exists && !rotate) {
                AdminToken.read(file);
                out.println("kept the admin token in " + file + " (replace it with --rotate)");
            } else {
                AdminToken.create(file);
                out.println((exists ? "replaced" : "made") + " the admin token: " + file
                        + (exists ? " (restart the master to use it)" : ""));
            }
            out.flush();
            return 0;
        } catch (AdminToken.Unusable e) {
            err.println("kw-master admin-token: " + e.getMessage());
            err.flush();
            return 1;
        } catch (IOException e) {
            err.println("kw-master admin-token: cannot read or write " + file + ": " + e.getMessage());
            err.flush();
            return 1;
        }
    }
}
