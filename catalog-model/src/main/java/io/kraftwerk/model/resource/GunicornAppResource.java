package io.kraftwerk.model.resource;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.kraftwerk.model.validation.AbsolutePath;
import io.kraftwerk.model.validation.EnvName;
import io.kraftwerk.model.validation.PosixName;
import io.kraftwerk.model.validation.ServiceName;
import io.kraftwerk.model.validation.SocketAddress;
import io.kraftwerk.model.validation.UrlPath;
import io.kraftwerk.model.validation.WsgiCallable;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.util.List;
import java.util.SortedMap;

/**
 * A WSGI application served by gunicorn from a virtualenv, supervised by runit. The agent renders
 * a gunicorn configuration file from these attributes.
 *
 * @param name         the service name (also the runit service directory)
 * @param ensure       {@code running} (default), {@code stopped} or {@code absent}
 * @param virtualenv   path of the virtualenv that has the application and gunicorn
 * @param module       the WSGI callable, e.g. {@code blog.wsgi:application}
 * @param bind         where gunicorn listens: {@code unix:/run/NAME/gunicorn.sock} (default) or
 *                     {@code host:port}
 * @param workers      worker processes (default 2)
 * @param timeout      seconds before a silent worker is killed and restarted (default 30)
 * @param user         the user the application runs as
 * @param group        the group the application runs as; null means the user's primary group
 * @param workingDir   the working directory; null means the virtualenv's directory
 * @param env          environment variables for the application
 * @param sensitiveEnv names in {@code env} whose values are secret
 * @param logDir       where svlogd writes the log (default {@code /var/log/NAME})
 * @param healthCheck  a URL path the agent requests after a (re)start; the app must answer with a
 *                     2xx or 3xx status or the change is reported as failed. Null: no check
 */
@Sensitivity(markedBy = "sensitive_env", protects = "env")
public record GunicornAppResource(
        @NotNull @ServiceName String name,
        @NotNull ServiceEnsure ensure,
        @NotNull @AbsolutePath String virtualenv,
        @NotNull @WsgiCallable String module,
        @NotNull @SocketAddress String bind,
        @NotNull @Min(1) @Max(256) Integer workers,
        @NotNull @Min(1) @Max(3600) Integer timeout,
        @NotNull @PosixName String user,
        @PosixName String group,
        @AbsolutePath String workingDir,
        @NotNull SortedMap<@EnvName String, @NotNull String> env,
        @NotNull List<@NotNull @EnvName String> sensitiveEnv,
        @NotNull @AbsolutePath String logDir,
        @UrlPath String healthCheck) implements Resource {

    public static final int DEFAULT_WORKERS = 2;
    public static final int DEFAULT_TIMEOUT = 30;

    public GunicornAppResource {
        ensure = Values.or(ensure, ServiceEnsure.RUNNING);
        workers = Values.or(workers, DEFAULT_WORKERS);
        timeout = Values.or(timeout, DEFAULT_TIMEOUT);
        bind = Values.or(bind, name == null ? null : "unix:/run/" + name + "/gunicorn.sock");
        env = Values.sortedMap(env);
        sensitiveEnv = Values.list(sensitiveEnv);
        logDir = Values.or(logDir, name == null ? null : "/var/log/" + name);
    }

    @Override
    public String title() {
        return name;
    }

    @JsonIgnore
    @AssertTrue(message = "every name in 'sensitive_env' must also be set in 'env'")
    public boolean isSensitiveEnvKnown() {
        return env.keySet().containsAll(sensitiveEnv);
    }
}
