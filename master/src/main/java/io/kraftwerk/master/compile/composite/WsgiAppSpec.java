package io.kraftwerk.master.compile.composite;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.kraftwerk.model.resource.Ensure;
import io.kraftwerk.model.resource.RestoreFrom;
import io.kraftwerk.model.resource.Sensitivity;
import io.kraftwerk.model.resource.TlsSettings;
import io.kraftwerk.model.resource.VirtualenvResource;
import io.kraftwerk.model.resource.WsgiReleaseResource;
import io.kraftwerk.model.validation.AbsolutePath;
import io.kraftwerk.model.validation.EnvName;
import io.kraftwerk.model.validation.Hostname;
import io.kraftwerk.model.validation.HttpUrl;
import io.kraftwerk.model.validation.LinkLocation;
import io.kraftwerk.model.validation.PosixName;
import io.kraftwerk.model.validation.SizeLiteral;
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
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The {@code wsgi_app} composite as written in a role: one Python web application with everything
 * it needs. See {@link WsgiApp} for what it expands into.
 *
 * @param name               the app name (title): its user, service and directory name
 * @param ensure             {@code present} (default) or {@code absent} (removes service, vhost and
 *                           virtualenv; keeps data, user and root directory)
 * @param domains            served domains; the first is the main domain and names the vhost
 * @param redirectDomains    forward domains, redirected permanently to the main domain
 * @param module             the WSGI callable, e.g. {@code blog.wsgi:application}
 * @param requirements       pip requirements of the virtualenv (the app and gunicorn); {@code artifact:NAME==VERSION}
 *                           takes exactly that release from the master's artifact store
 * @param indexUrl           package index for pip
 * @param findLinks          wheel directories or URLs for pip
 * @param python             interpreter for the virtualenv
 * @param systemSitePackages let the virtualenv see Debian's python3-* packages
 * @param workers            gunicorn workers
 * @param timeout            gunicorn worker timeout in seconds
 * @param env                environment of the app
 * @param sensitiveEnv       names in {@code env} whose values are secret
 * @param processes          processes beside the web one (Procfile-like): name to argv, each a runit
 *                           service NAME-PROCESS run as the app, from its root, with its env; a program
 *                           named without a path is the virtualenv's ({@code python}, {@code celery})
 * @param dataDirs           writable folders, created as ROOT/data/NAME and announced to the app as
 *                           DATA_DIR_NAME
 * @param databases          the node's {@code postgresql_database}s the app uses: the first announced as
 *                           DATABASE_URL (sensitive), each as DATABASE_URL_NAME when there are several
 * @param restoreFrom        the dump (another node's app) its data dirs and databases are filled from when it is
 *                           first deployed here, and by {@code kw-agent data pull}
 * @param staticLocations    URL prefix to directory served by nginx; relative directories are
 *                           under the root
 * @param root               the app's directory (default {@code /srv/NAME})
 * @param user               the user the app runs as (default: NAME, created as a system user)
 * @param group              the app's group (default: the user's name)
 * @param listen             nginx HTTP port
 * @param clientMaxBodySize  largest accepted request body
 * @param tls                certificate and key for HTTPS
 * @param healthCheck        URL path a new release must answer before it is switched to
 * @param healthStatus       the status it must answer (default: any 2xx or 3xx)
 * @param healthBody         text its body must contain (default: any)
 * @param healthTimeout      seconds a new release gets to answer as expected (default 60)
 * @param keep               releases kept for rollback, the live one included (default 3)
 */
@Sensitivity(markedBy = "sensitive_env", protects = "env")
public record WsgiAppSpec(
        @NotNull @Pattern(regexp = "[a-z][a-z0-9_-]{0,31}", message = "must be an app name: lowercase letters, digits, '_' or '-', starting with a letter, at most 32 characters") String name,
        @NotNull Ensure ensure,
        @NotEmpty List<@NotNull @Hostname String> domains,
        @NotNull List<@NotNull @Hostname String> redirectDomains,
        @NotNull @WsgiCallable String module,
        @NotNull List<@NotNull @AppRequirement String> requirements,
        @HttpUrl String indexUrl,
        @NotNull List<@NotNull @LinkLocation String> findLinks,
        @NotNull @AbsolutePath String python,
        boolean systemSitePackages,
        @NotNull @Min(1) @Max(256) Integer workers,
        @NotNull @Min(1) @Max(3600) Integer timeout,
        @NotNull SortedMap<@EnvName String, @NotNull String> env,
        @NotNull List<@NotNull @EnvName String> sensitiveEnv,
        @NotNull SortedMap<@Pattern(regexp = PROCESS_NAME, message = "must be a process name: lowercase letters, digits, '_' or '-',"
                + " starting with a letter or digit, at most 31 characters") String, @NotEmpty List<@NotNull String>> processes,
        @NotNull List<@NotNull @Pattern(regexp = "[a-z0-9][a-z0-9_-]{0,63}", message = "must be a folder name: lowercase letters, digits, '_' or '-'") String> dataDirs,
        @NotNull List<@NotNull @SqlName String> databases,
        @Valid RestoreFrom restoreFrom,
        @NotNull SortedMap<@UrlPath String, @NotNull @Pattern(regexp = "(?!.*(^|/)\\.\\.?(/|$))[^\\x00-\\x1f\\x7f]+", message = "must be a directory, absolute or relative to the root, without '.' or '..' segments") String> staticLocations,
        @NotNull @AbsolutePath String root,
        @PosixName String user,
        @PosixName String group,
        @NotNull @Min(1) @Max(65535) Integer listen,
        @NotNull @SizeLiteral String clientMaxBodySize,
        @Valid TlsSettings tls,
        @UrlPath String healthCheck,
        @Min(100) @Max(599) Integer healthStatus,
        @Pattern(regexp = "[^\\x00-\\x1f\\x7f]{1,200}", message = "must be one line of text, at most 200 characters") String healthBody,
        @Min(1) @Max(3600) Integer healthTimeout,
        @Min(1) @Max(50) Integer keep) {

    static final String PROCESS_NAME = WsgiReleaseResource.PROCESS_NAME;

    public WsgiAppSpec {
        ensure = ensure == null ? Ensure.PRESENT : ensure;
        domains = copy(domains);
        redirectDomains = copy(redirectDomains);
        requirements = copy(requirements);
        findLinks = copy(findLinks);
        python = python == null ? VirtualenvResource.DEFAULT_PYTHON : python;
        workers = workers == null ? 2 : workers;
        timeout = timeout == null ? 30 : timeout;
        env = sorted(env);
        sensitiveEnv = copy(sensitiveEnv);
        processes = processes == null ? Collections.emptySortedMap() : Collections.unmodifiableSortedMap(new TreeMap<>(processes));
        dataDirs = copy(dataDirs);
        databases = copy(databases);
        staticLocations = sorted(staticLocations);
        root = root == null && name != null ? "/srv/" + name : root;
        listen = listen == null ? 80 : listen;
        clientMaxBodySize = clientMaxBodySize == null ? "1m" : clientMaxBodySize;
    }

    /** A process's program is an absolute path, or a name the virtualenv's bin directory holds. */
    @JsonIgnore
    @AssertTrue(message = "each of 'processes' starts with its program: an absolute path, or the name of a program in the"
            + " app's virtualenv such as python or celery")
    public boolean isEveryProcessProgramNamed() {
        return processes.values().stream().allMatch(argv -> argv.isEmpty() || argv.get(0) != null
                && (argv.get(0).startsWith("/") || argv.get(0).matches("[A-Za-z0-9_][A-Za-z0-9_.+-]*")));
    }

    /** The same app with other requirements: what remains once {@code artifact:} ones are resolved. */
    public WsgiAppSpec withRequirements(List<String> plain) {
        return new WsgiAppSpec(name, ensure, domains, redirectDomains, module, plain, indexUrl, findLinks, python,
                systemSitePackages, workers, timeout, env, sensitiveEnv, processes, dataDirs, databases, restoreFrom, staticLocations,
                root, user, group, listen, clientMaxBodySize, tls, healthCheck, healthStatus, healthBody, healthTimeout, keep);
    }

    /** The user the app runs as. */
    public String effectiveUser() {
        return user != null ? user : name;
    }

    public String effectiveGroup() {
        return group != null ? group : effectiveUser();
    }

    private static <T> List<T> copy(List<T> list) {
        return list == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(list));
    }

    private static SortedMap<String, String> sorted(SortedMap<String, String> map) {
        return Collections.unmodifiableSortedMap(map == null ? new TreeMap<>() : new TreeMap<>(map));
    }
}
