package io.kraftwerk.agent.run;

import java.nio.file.Path;

/**
 * Where the agent keeps its things, under one state directory (default {@code /var/lib/kraftwerk}).
 *
 * @param stateDir the state directory
 */
public record AgentPaths(Path stateDir) {
    Path state() {
        return stateDir.resolve("state.json");
    }

    Path lock() {
        return stateDir.resolve("agent.lock");
    }

    Path backups() {
        return stateDir.resolve("backup");
    }

    /** Artifacts fetched from the master, by SHA-256. */
    Path artifacts() {
        return stateDir.resolve("artifacts");
    }

    /** Where dumps are made before a push, fetched before a load, and loaded from (root's alone). */
    Path dumps() {
        return stateDir.resolve("dumps");
    }

    /** The report of the latest run, noop included. */
    Path lastReport() {
        return stateDir.resolve("reports").resolve("last_run.json");
    }
}
