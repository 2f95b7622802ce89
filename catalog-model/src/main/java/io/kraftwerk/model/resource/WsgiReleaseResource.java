package io.kraftwerk.model.resource;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.OptBoolean;
import io.kraftwerk.model.validation.AbsolutePath;
import io.kraftwerk.model.validation.EnvName;
import io.kraftwerk.model.validation.HttpUrl;
import io.kraftwerk.model.validation.LinkLocation;
import io.kraftwerk.model.validation.PipRequirement;
import io.kraftwerk.model.validation.PosixName;
import io.kraftwerk.model.validation.SqlName;
import io.kraftwerk.model.validation.UrlPath;
import io.kraftwerk.model.validation.WsgiCallable;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The running code of a WSGI app, deployed as releases: each distinct set of what makes the code
 * run (interpreter, requirements and the artifacts they resolved to, module, gunicorn settings,
 * user, env, processes) is one release, built in {@code ROOT/releases/ID/venv} beside the live one.
 * Its gunicorn starts on its own socket and must pass the health check before {@code ROOT/current}
 * (which nginx reaches the app through) is switched to it; then the old release stops gracefully.
 * A release that fails is never switched to, and is not rebuilt until it changes. The last
 * {@code keep} releases stay for {@code kw-agent rollback}.
 *
 * @param name               the app: runit services {@code NAME@ID} and {@code NAME-PROCESS@ID}
 * @param ensure             {@code present} (default) or {@code absent} (stops every release, removes them)
 * @param root               the app's directory, holding {@code releases/} and {@code current}
 * @param python             interpreter for the virtualenv
 * @param systemSitePackages let the virtualenv see Debian's python3-* packages
 * @param requirements       pip requirements
 * @param indexUrl           package index for pip
 * @param findLinks          wheel directories or URLs for pip
 * @param artifacts          files of the master's artifact store the requirements resolved to
 * @param module             the WSGI callable
 * @param workers            gunicorn workers
 * @param timeout            gunicorn worker timeout in seconds
 * @param user               the user the app runs as
 * @param group              its group; null means the user's primary group
 * @param env                environment of the app
 * @param sensitiveEnv       names in {@code env} whose values are secret
 * @param processes          processes beside the web one, name to argv, run from the same release
 * @param healthCheck        the URL path that must answer before a release is switched to; null: any
 *                           answer below 500 on {@code /}
 * @param healthStatus       the status it must answer; null: any 2xx or 3xx
 * @param healthBody         text its answer's body must contain; null: any
 * @param healthTimeout      seconds a new release gets to answer as expected (default 60)
 * @param keep               releases kept on the node, the live one included (default 3)
 * @param databases          the node's {@code postgresql_database}s the app uses (their URLs are in its
 *                           env); what {@code kw-agent data dump} takes with its data dirs
 * @param restoreFrom        the dump its data comes from on its first deployment and on
 *                           {@code kw-agent data pull}; null: none
 */
@Sensitivity(markedBy = "sensitive_env", protects = "env")
public record WsgiReleaseResource(
        @NotNull @Pattern(regexp = "[a-z][a-z0-9_-]{0,31}", message = "must be an app name: lowercase letters, digits, '_' or '-',"
                + " starting with a letter, at most 32 characters (its services are NAME@ID and NAME.PROCESS@ID)") String name,
        @NotNull Ensure ensure,
        @NotNull @AbsolutePath String root,
        @NotNull @AbsolutePath String python,
        boolean systemSitePackages,
        @NotNull List<@NotNull @PipRequirement String> requirements,
        @HttpUrl String indexUrl,
        @NotNull List<@NotNull @LinkLocation String> findLinks,
        @NotNull List<@NotNull @Valid ArtifactRef> artifacts,
        @NotNull @WsgiCallable String module,
        @NotNull @Min(1) @Max(256) Integer workers,
        @NotNull @Min(1) @Max(3600) Integer timeout,
        @NotNull @PosixName String user,
        @PosixName String group,
        @NotNull SortedMap<@EnvName String, @NotNull String> env,
        @NotNull List<@NotNull @EnvName String> sensitiveEnv,
        @NotNull SortedMap<@Pattern(regexp = PROCESS_NAME, message = "must be a process name: lowercase letters, digits, '_' or '-',"
                + " starting with a letter or digit, at most 31 characters") String, @NotEmpty List<@NotNull String>> processes,
        @UrlPath String healthCheck,
        @Min(100) @Max(599) Integer healthStatus,
        @Pattern(regexp = "[^\\x00-\\x1f\\x7f]{1,200}", message = "must be one line of text, at most 200 characters") String healthBody,
        @NotNull @Min(1) @Max(3600) Integer healthTimeout,
        @NotNull @Min(1) @Max(50) Integer keep,
        // optional on the wire, both ways: an app without databases keeps the catalog bytes it had before the field
        @JsonInclude(JsonInclude.Include.NON_EMPTY) @JacksonInject(value = "databases", useInput = OptBoolean.TRUE,
                optional = OptBoolean.TRUE) @NotNull List<@NotNull @SqlName String> databases,
        @JsonInclude(JsonInclude.Include.NON_NULL) @JacksonInject(value = "restore_from", useInput = OptBoolean.TRUE,
                optional = OptBoolean.TRUE) @Valid RestoreFrom restoreFrom) implements Resource {

    public static final String PROCESS_NAME = "[a-z0-9][a-z0-9_-]{0,30}";
    public static final int DEFAULT_HEALTH_TIMEOUT = 60;
    public static final int DEFAULT_KEEP = 3;

    public WsgiReleaseResource {
        ensure = Values.or(ensure, Ensure.PRESENT);
        python = Values.or(python, VirtualenvResource.DEFAULT_PYTHON);
        requirements = Values.list(requirements);
        findLinks = Values.list(findLinks);
        artifacts = Values.list(artifacts);
        workers = Values.or(workers, GunicornAppResource.DEFAULT_WORKERS);
        timeout = Values.or(timeout, GunicornAppResource.DEFAULT_TIMEOUT);
        env = Values.sortedMap(env);
        sensitiveEnv = Values.list(sensitiveEnv);
        processes = processes == null ? Collections.emptySortedMap()
                : Collections.unmodifiableSortedMap(new TreeMap<>(processes));
        healthTimeout = Values.or(healthTimeout, DEFAULT_HEALTH_TIMEOUT);
        keep = Values.or(keep, DEFAULT_KEEP);
        databases = Values.list(databases);
    }

    /** Where nginx reaches the live release: through the {@code current} link, so a switch is one rename. */
    public static String upstream(String root) {
        return "unix:" + (root.equals("/") ? "" : root) + "/current/gunicorn.sock";
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

    /** A process's program is an absolute path (the release's virtualenv is found by the agent for bare names). */
    @JsonIgnore
    @AssertTrue(message = "each of 'processes' starts with its program: an absolute path, or the name of a program in the"
            + " release's virtualenv such as python or celery")
    public boolean isEveryProcessProgramNamed() {
        return processes.values().stream().allMatch(argv -> argv.isEmpty() || argv.get(0) != null
                && (argv.get(0).startsWith("/") || argv.get(0).matches("[A-Za-z0-9_][A-Za-z0-9_.+-]*")));
    }
}
