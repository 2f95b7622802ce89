package io.kraftwerk.agent.run;

import io.kraftwerk.agent.client.MasterClient;
import io.kraftwerk.agent.config.AgentConfig;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How to run, the same for {@code run}, {@code apply} and {@code daemon}: what the command line
 * says, and for a run against the master what agent.yaml says where the command line is silent.
 *
 * @param noop            plan, print and report only: nothing on the node changes, no state is written
 * @param environment     the environment to ask the master for; null for the master's default
 * @param json            where to write the report as well: a file, {@link #STANDARD_OUTPUT}, or null
 * @param lockTimeout     how long to wait for another run to finish
 * @param serviceTimeout  how long services get to come up and pass their health check
 * @param masterTimeout   how long to wait for the master's answer
 * @param dpkgLockTimeout how long apt waits for another apt or dpkg to let go of the dpkg lock
 * @param retry           how hard to try the master
 * @param retryFailed     build and try again releases that failed before ({@code --retry-failed})
 */
public record Settings(boolean noop, String environment, Path json, Duration lockTimeout, Duration serviceTimeout,
                       Duration masterTimeout, Duration dpkgLockTimeout, MasterClient.Retry retry, boolean retryFailed) {
    public static final Duration LOCK_TIMEOUT = Duration.ofSeconds(300);
    public static final Duration SERVICE_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration MASTER_TIMEOUT = Duration.ofSeconds(60);
    /** {@code --json -}: the report goes to standard output, and what people read to standard error. */
    public static final Path STANDARD_OUTPUT = Path.of("-");

    public Settings(boolean noop, String environment, Path json, Duration lockTimeout, Duration serviceTimeout,
                    Duration masterTimeout, Duration dpkgLockTimeout, MasterClient.Retry retry) {
        this(noop, environment, json, lockTimeout, serviceTimeout, masterTimeout, dpkgLockTimeout, retry, false);
    }

    /** These settings, with agent.yaml's environment and dpkg lock timeout where the command line gave none. */
    public Settings withConfig(AgentConfig config) {
        return new Settings(noop, environment == null ? config.environment() : environment, json, lockTimeout, serviceTimeout,
                masterTimeout, dpkgLockTimeout == null ? config.dpkgLockTimeout() : dpkgLockTimeout, retry, retryFailed);
    }

    boolean jsonToStandardOutput() {
        return STANDARD_OUTPUT.equals(json);
    }
}
