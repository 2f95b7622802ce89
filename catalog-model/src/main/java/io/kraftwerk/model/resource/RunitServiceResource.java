package io.kraftwerk.model.resource;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.kraftwerk.model.validation.AbsolutePath;
import io.kraftwerk.model.validation.EnvName;
import io.kraftwerk.model.validation.PosixName;
import io.kraftwerk.model.validation.ServiceName;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.util.List;
import java.util.SortedMap;

/**
 * A long-running process supervised by runit: {@code /etc/sv/NAME/run}, {@code log/run} with
 * svlogd, an env directory, and the link {@code /etc/service/NAME}.
 *
 * @param name         the service name
 * @param ensure       {@code running} (default), {@code stopped} or {@code absent}
 * @param command      the program and its arguments, one list element per argument (no shell)
 * @param user         the user the process runs as; null means root
 * @param group        the group the process runs as; null means the user's primary group
 * @param env          environment variables
 * @param sensitiveEnv names in {@code env} whose values are secret (never reported or logged)
 * @param workingDir   the working directory; null means the service directory
 * @param logDir       where svlogd writes the log (default {@code /var/log/NAME})
 */
@Sensitivity(markedBy = "sensitive_env", protects = "env")
public record RunitServiceResource(
        @NotNull @ServiceName String name,
        @NotNull ServiceEnsure ensure,
        @NotEmpty List<@NotNull String> command,
        @PosixName String user,
        @PosixName String group,
        @NotNull SortedMap<@EnvName String, @NotNull String> env,
        @NotNull List<@NotNull @EnvName String> sensitiveEnv,
        @AbsolutePath String workingDir,
        @NotNull @AbsolutePath String logDir) implements Resource {

    public RunitServiceResource {
        ensure = Values.or(ensure, ServiceEnsure.RUNNING);
        command = Values.list(command);
        env = Values.sortedMap(env);
        sensitiveEnv = Values.list(sensitiveEnv);
        logDir = Values.or(logDir, name == null ? null : "/var/log/" + name);
    }

    @Override
    public String title() {
        return name;
    }

    @JsonIgnore
    @AssertTrue(message = "'command' must start with the absolute path of the program, e.g. /usr/bin/memcached")
    public boolean isCommandAbsolute() {
        return command.isEmpty() || (command.get(0) != null && command.get(0).startsWith("/"));
    }

    @JsonIgnore
    @AssertTrue(message = "every name in 'sensitive_env' must also be set in 'env'")
    public boolean isSensitiveEnvKnown() {
        return env.keySet().containsAll(sensitiveEnv);
    }
}
