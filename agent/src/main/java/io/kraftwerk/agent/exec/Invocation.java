package io.kraftwerk.agent.exec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A command a manifest asked for ({@code exec}): unlike the agent's own tools it gets a minimal
 * environment of its own instead of the agent's, its own working directory and its own time limit.
 *
 * @param argv        the program and its arguments
 * @param environment the whole environment of the process
 * @param directory   its working directory
 * @param timeout     how long it may run before it and its children are killed
 */
public record Invocation(List<String> argv, Map<String, String> environment, Path directory, Duration timeout) {
    public Invocation {
        argv = List.copyOf(argv);
        environment = Map.copyOf(environment);
    }
}
