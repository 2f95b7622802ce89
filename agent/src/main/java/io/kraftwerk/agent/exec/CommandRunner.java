package io.kraftwerk.agent.exec;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The one way the agent runs programs: an argument vector, never a shell string. Tests replace it
 * to assert exact argv; the real one is {@link ProcessCommandRunner}.
 */
public interface CommandRunner {
    /** Runs {@code argv} and waits for it. A non-zero exit is a result, not an exception. */
    CommandResult run(List<String> argv, Map<String, String> extraEnvironment, byte[] stdin) throws IOException;

    /**
     * Runs a manifest's command with exactly the environment, directory and time limit given. A
     * runner made for the agent's own tools only (a test's lambda) refuses, rather than run it
     * with the wrong environment.
     */
    default CommandResult run(Invocation invocation) throws IOException {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not run manifest commands");
    }

    default CommandResult run(List<String> argv) throws IOException {
        return run(argv, Map.of(), null);
    }
}
