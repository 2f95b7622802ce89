package io.kraftwerk.agent.provider.commands;

import io.kraftwerk.agent.exec.CommandResult;
import io.kraftwerk.agent.exec.Invocation;
import io.kraftwerk.agent.provider.Change;
import io.kraftwerk.agent.provider.Desired;
import io.kraftwerk.agent.provider.Observed;
import io.kraftwerk.agent.provider.Provider;
import io.kraftwerk.agent.provider.ProviderContext;
import io.kraftwerk.agent.provider.ProviderException;
import io.kraftwerk.agent.provider.Refreshable;
import io.kraftwerk.agent.provider.ReportText;
import io.kraftwerk.model.resource.ExecResource;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@code exec}: the one property is {@code run}, "done" when the guard says there is nothing to do
 * and "due (why)" when there is, so noop shows a command that would run and the reason. The guard
 * and the command run as the resource's user (runuser, no shell), in its directory, with a minimal
 * environment rather than the agent's, and are killed with their children after the timeout.
 */
public final class ExecProvider implements Provider<ExecResource>, Refreshable<ExecResource> {
    static final String RUN = "run";
    static final String DONE = "done";
    /** The environment every command starts from; the resource's env is added to it. */
    static final Map<String, String> BASE_ENVIRONMENT = Map.of(
            "PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG", "C.UTF-8", "HOME", "/root");
    private static final int OUTPUT_LINES = 20;

    @Override
    public Class<ExecResource> resourceClass() {
        return ExecResource.class;
    }

    /** A refresh-only command manages nothing: it runs when notified, never because of its state. */
    @Override
    public Desired desired(ExecResource exec) {
        return new Desired().plain(RUN, exec.refreshOnly() ? null : DONE);
    }

    @Override
    public Observed observe(ExecResource exec, ProviderContext context) throws IOException, ProviderException {
        if (exec.refreshOnly()) {
            return new Observed();
        }
        return new Observed().put(RUN, due(exec, context).map(why -> "due (" + why + ")").orElse(DONE));
    }

    @Override
    public boolean apply(ExecResource exec, List<Change> changes, ProviderContext context) throws IOException, ProviderException {
        run(exec, context);
        return true; // it ran: a notification in the same run does not run it again
    }

    @Override
    public String refresh(ExecResource exec, ProviderContext context) throws IOException, ProviderException {
        boolean guarded = exec.creates() != null || !exec.unless().isEmpty() || !exec.onlyif().isEmpty();
        if (guarded && due(exec, context).isEmpty()) {
            return null; // its guard says it is done: not a change
        }
        run(exec, context);
        return "ran";
    }

    /**
     * Why the command is due, or empty when a guard says it is done. Every guard given must agree
     * that it is due; the reason shown is the last one checked.
     */
    static Optional<String> due(ExecResource exec, ProviderContext context) throws IOException, ProviderException {
        String why = "it has no guard";
        if (exec.creates() != null) {
            if (context.fs().stat(context.path(exec.creates())).exists()) {
                return Optional.empty();
            }
            why = exec.creates() + " does not exist";
        }
        if (!exec.unless().isEmpty()) {
            CommandResult check = context.runner().run(invocation(exec, exec.unless(), context));
            if (check.succeeded()) {
                return Optional.empty();
            }
            why = "unless " + String.join(" ", exec.unless()) + " exited " + check.exitCode();
        }
        if (!exec.onlyif().isEmpty()) {
            if (!context.runner().run(invocation(exec, exec.onlyif(), context)).succeeded()) {
                return Optional.empty();
            }
            why = "onlyif " + String.join(" ", exec.onlyif()) + " exited 0";
        }
        return Optional.of(why);
    }

    private static void run(ExecResource exec, ProviderContext context) throws IOException, ProviderException {
        CommandResult result = context.runner().run(invocation(exec, exec.command(), context));
        if (!result.succeeded()) {
            String output = ReportText.lastLines(ReportText.withoutSecrets(result.stderr().isBlank() ? result.stdout() : result.stderr(),
                    exec.env(), exec.sensitiveEnv()), OUTPUT_LINES);
            throw new ProviderException(exec.command().get(0) + " exited with " + result.exitCode()
                    + (result.exitCode() == 124 ? " (it ran longer than its timeout of " + exec.timeout() + " s)" : "")
                    + (output.isEmpty() ? "" : ":\n" + output));
        }
        if (exec.creates() != null && !context.fs().stat(context.path(exec.creates())).exists()) {
            throw new ProviderException(exec.command().get(0) + " succeeded but did not create " + exec.creates()
                    + ", so it would run again on every run: fix the command or its 'creates'");
        }
    }

    /** The argv as run: through runuser for another user (no shell, its groups, its HOME). */
    static Invocation invocation(ExecResource exec, List<String> program, ProviderContext context) {
        List<String> argv = new ArrayList<>();
        if (exec.user() != null && !exec.user().equals("root")) {
            argv.addAll(List.of("/usr/sbin/runuser", "-u", exec.user(), "--"));
        }
        argv.addAll(program);
        Map<String, String> environment = new TreeMap<>(BASE_ENVIRONMENT);
        environment.putAll(exec.env());
        Path directory = context.path(exec.cwd());
        return new Invocation(argv, environment, directory, Duration.ofSeconds(exec.timeout()));
    }
}
