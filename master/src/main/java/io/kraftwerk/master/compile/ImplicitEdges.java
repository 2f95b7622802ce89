package io.kraftwerk.master.compile;

import io.kraftwerk.model.catalog.EdgeKind;
import io.kraftwerk.model.resource.AptSourceResource;
import io.kraftwerk.model.resource.CronJobResource;
import io.kraftwerk.model.resource.DataDirResource;
import io.kraftwerk.model.resource.DirectoryResource;
import io.kraftwerk.model.resource.Ensure;
import io.kraftwerk.model.resource.ExecResource;
import io.kraftwerk.model.resource.FileResource;
import io.kraftwerk.model.resource.GunicornAppResource;
import io.kraftwerk.model.resource.NginxVhostResource;
import io.kraftwerk.model.resource.PackageResource;
import io.kraftwerk.model.resource.Resource;
import io.kraftwerk.model.resource.ResourceId;
import io.kraftwerk.model.resource.ResourceType;
import io.kraftwerk.model.resource.RunitServiceResource;
import io.kraftwerk.model.resource.SshAuthorizedKeyResource;
import io.kraftwerk.model.resource.UserResource;
import io.kraftwerk.model.resource.VirtualenvResource;
import io.kraftwerk.model.resource.WsgiReleaseResource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Relationships the compiler infers so that manifests need not spell them out. Each applies only
 * when the other resource is in the catalog:
 * <ul>
 *   <li>a file, directory, data dir or virtualenv comes after its nearest parent directory;</li>
 *   <li>anything owned by, or running as, a user or group comes after that user or group; a user
 *       after its groups;</li>
 *   <li>runit services and gunicorn apps after {@code package[runit]}, their working directory and
 *       the virtualenv they run from (gunicorn's, or the one a service's program lies in), whose
 *       changes restart them;</li>
 *   <li>a file named in a service's command or environment notifies the service (a changed config
 *       restarts what reads it);</li>
 *   <li>a vhost after {@code package[nginx]}, its static directories and the gunicorn app it
 *       proxies to; its TLS files notify it;</li>
 *   <li>a virtualenv after {@code package[python3-venv]} and its local wheel directories;</li>
 *   <li>an SSH key after its user; a cron job after {@code package[cron]} and its user;</li>
 *   <li>every package after every apt source (a changed source is fetched before packages install),
 *       but {@code package[ca-certificates]} before an https source;</li>
 *   <li>an exec after its user, working directory, the files its arguments name and the virtualenv
 *       its program is in;</li>
 *   <li>a wsgi release after {@code package[runit]}, {@code package[python3-venv]}, its user, group,
 *       root and wheel directories; the files its env and processes name notify it; a vhost whose
 *       upstream is the release's {@code ROOT/current/gunicorn.sock} comes after it.</li>
 * </ul>
 * Between two resources that are both being removed the order is reversed: a file goes before its
 * directory, an app before the virtualenv it runs from.
 */
final class ImplicitEdges {
    private final Map<String, ResourceId> directories = new HashMap<>();
    private final Map<String, ResourceId> files = new HashMap<>();
    private final Map<String, ResourceId> virtualenvs = new HashMap<>();
    private final Map<String, ResourceId> binds = new HashMap<>();
    private final Map<ResourceId, Resource> declared = new HashMap<>();
    private final List<ResourceId> packages = new ArrayList<>();
    private final List<EdgeSpec> edges = new ArrayList<>();

    private ImplicitEdges(Collection<Declaration> declarations) {
        for (Declaration d : declarations) {
            Resource r = d.resource();
            declared.put(d.id(), r);
            if (r instanceof DirectoryResource dir && dir.ensure() == Ensure.PRESENT) {
                directories.put(dir.path(), d.id());
            } else if (r instanceof DataDirResource dir && dir.ensure() == Ensure.PRESENT) {
                directories.put(dir.path(), d.id());
            } else if (r instanceof FileResource file) {
                files.put(file.path(), d.id());
            } else if (r instanceof VirtualenvResource venv) {
                virtualenvs.put(venv.path(), d.id());
            } else if (r instanceof GunicornAppResource app) {
                binds.put(app.bind(), d.id());
            } else if (r instanceof WsgiReleaseResource release) {
                binds.put(WsgiReleaseResource.upstream(release.root()), d.id());
            } else if (r instanceof PackageResource) {
                packages.add(d.id());
            }
        }
    }

    static List<EdgeSpec> compute(Collection<Declaration> declarations) {
        ImplicitEdges implicit = new ImplicitEdges(declarations);
        declarations.forEach(d -> implicit.visit(d.resource()));
        return implicit.edges;
    }

    /**
     * An exhaustive switch: a new resource type does not compile until it says here what it
     * depends on, if only "nothing".
     */
    private void visit(Resource r) {
        ResourceId self = r.id();
        Runnable edges = switch (r.type()) {
            case PACKAGE, GROUP, SYSCTL -> () -> { }; // depend on nothing implicitly
            case FILE -> () -> {
                FileResource f = (FileResource) r;
                fsObject(self, f.path(), f.owner(), f.group());
            };
            case DIRECTORY -> () -> {
                DirectoryResource d = (DirectoryResource) r;
                fsObject(self, d.path(), d.owner(), d.group());
            };
            case DATA_DIR -> () -> {
                DataDirResource d = (DataDirResource) r;
                fsObject(self, d.path(), d.owner(), d.group());
            };
            case VIRTUALENV -> () -> virtualenv(self, (VirtualenvResource) r);
            case USER -> () -> {
                UserResource u = (UserResource) r;
                if (u.group() != null) {
                    after(groupId(u.group()), self, EdgeKind.ORDER, "primary group of the user");
                }
                u.groups().forEach(g -> after(groupId(g), self, EdgeKind.ORDER, "supplementary group of the user"));
            };
            case RUNIT_SERVICE -> () -> {
                RunitServiceResource s = (RunitServiceResource) r;
                service(self, s.user(), s.group(), s.workingDir());
                virtualenvOf(s.command().get(0)).ifPresent(venv -> after(venv, self, EdgeKind.NOTIFY,
                        "the service runs from this virtualenv"));
                s.command().forEach(arg -> usedPath(arg, self));
                s.env().values().forEach(value -> usedPath(value, self));
            };
            case GUNICORN_APP -> () -> {
                GunicornAppResource g = (GunicornAppResource) r;
                service(self, g.user(), g.group(), g.workingDir());
                after(virtualenvs.get(g.virtualenv()), self, EdgeKind.NOTIFY, "the app runs from this virtualenv");
                g.env().values().forEach(value -> usedPath(value, self));
            };
            case NGINX_VHOST -> () -> vhost(self, (NginxVhostResource) r);
            case SSH_AUTHORIZED_KEY -> () -> after(userId(((SshAuthorizedKeyResource) r).user()), self, EdgeKind.ORDER,
                    "the key is in this user's home");
            case CRON_JOB -> () -> {
                CronJobResource job = (CronJobResource) r;
                after(packageId("cron"), self, EdgeKind.ORDER, "cron runs the job");
                after(userId(job.user()), self, EdgeKind.ORDER, "the job runs as this user");
            };
            case APT_SOURCE -> () -> aptSource(self, (AptSourceResource) r);
            case EXEC -> () -> exec(self, (ExecResource) r);
            case POSTGRESQL_DATABASE -> () -> {
                after(packageId("postgresql"), self, EdgeKind.ORDER, "the PostgreSQL server holds the database");
                after(packageId("postgresql-client"), self, EdgeKind.ORDER, "psql and createdb manage the database");
            };
            case WSGI_RELEASE -> () -> release(self, (WsgiReleaseResource) r);
        };
        edges.run();
    }

    /**
     * Every package after the source, but for the one an https source needs to be fetched at all:
     * ordered the other way, a node without CA certificates could never install them.
     */
    private void aptSource(ResourceId self, AptSourceResource source) {
        boolean https = source.uris().stream().anyMatch(u -> u.startsWith("https:"));
        for (ResourceId p : packages) {
            if (https && p.equals(packageId("ca-certificates"))) {
                after(p, self, EdgeKind.ORDER, "apt needs CA certificates to fetch an https source");
            } else {
                after(self, p, EdgeKind.ORDER, "apt fetches this source before packages are installed");
            }
        }
    }

    private void virtualenv(ResourceId self, VirtualenvResource v) {
        fsObject(self, v.path(), v.owner(), v.group());
        after(packageId("python3-venv"), self, EdgeKind.ORDER, "python3-venv provides 'python3 -m venv'");
        v.findLinks().stream().filter(l -> l.startsWith("/"))
                .forEach(l -> after(directories.get(l), self, EdgeKind.ORDER, "pip reads wheels from this directory"));
    }

    /** A release is a virtualenv and services in one: their edges, and the files its env and processes name. */
    private void release(ResourceId self, WsgiReleaseResource release) {
        service(self, release.user(), release.group(), release.root());
        after(packageId("python3-venv"), self, EdgeKind.ORDER, "python3-venv provides 'python3 -m venv'");
        after(packageId("python3-pip"), self, EdgeKind.ORDER, "Debian's pip fills the release's virtualenv");
        after(packageId("python3-gunicorn"), self, EdgeKind.ORDER, "the release's gunicorn may be Debian's (system_site_packages)");
        release.findLinks().stream().filter(l -> l.startsWith("/"))
                .forEach(l -> after(directories.get(l), self, EdgeKind.ORDER, "pip reads wheels from this directory"));
        release.databases().forEach(name -> after(new ResourceId(ResourceType.POSTGRESQL_DATABASE, name), self, EdgeKind.ORDER,
                "the app connects to this database"));
        release.env().values().forEach(value -> usedPath(value, self));
        release.processes().values().forEach(argv -> argv.forEach(arg -> usedPath(arg, self)));
    }

    private void vhost(ResourceId self, NginxVhostResource v) {
        after(packageId("nginx"), self, EdgeKind.ORDER, "nginx serves the vhost");
        v.staticLocations().values().forEach(dir -> after(nearestDirectory(dir, true), self, EdgeKind.ORDER,
                "nginx serves static files from here"));
        v.upstream().forEach(address -> after(binds.get(address), self, EdgeKind.ORDER, "the vhost proxies to this app"));
        if (v.tls() != null) {
            after(files.get(v.tls().certificate()), self, EdgeKind.NOTIFY, "TLS certificate of the vhost");
            after(files.get(v.tls().key()), self, EdgeKind.NOTIFY, "TLS key of the vhost");
        }
    }

    /** A command comes after its user, its directory, the files it names and the virtualenv its program is in. */
    private void exec(ResourceId self, ExecResource e) {
        if (e.user() != null) {
            after(userId(e.user()), self, EdgeKind.ORDER, "the command runs as this user");
        }
        after(nearestDirectory(e.cwd(), true), self, EdgeKind.ORDER, "working directory of the command");
        for (List<String> argv : List.of(e.command(), e.unless(), e.onlyif())) {
            argv.forEach(arg -> {
                String path = arg.contains("=") ? arg.substring(arg.indexOf('=') + 1) : arg;
                after(files.get(path), self, EdgeKind.ORDER, "the command reads this file (named in its arguments)");
            });
            if (!argv.isEmpty()) {
                virtualenvOf(argv.get(0)).ifPresent(venv -> after(venv, self, EdgeKind.ORDER, "the command's program is in this virtualenv"));
            }
        }
    }

    private void fsObject(ResourceId self, String path, String owner, String group) {
        after(nearestDirectory(path, false), self, EdgeKind.ORDER, "parent directory");
        if (owner != null) {
            after(userId(owner), self, EdgeKind.ORDER, "owner");
        }
        if (group != null) {
            after(groupId(group), self, EdgeKind.ORDER, "owning group");
        }
    }

    private void service(ResourceId self, String user, String group, String workingDir) {
        after(packageId("runit"), self, EdgeKind.ORDER, "runit supervises the service");
        if (user != null) {
            after(userId(user), self, EdgeKind.ORDER, "the service runs as this user");
        }
        if (group != null) {
            after(groupId(group), self, EdgeKind.ORDER, "the service runs as this group");
        }
        if (workingDir != null) {
            after(nearestDirectory(workingDir, true), self, EdgeKind.ORDER, "working directory of the service");
        }
    }

    /** A managed file named by an argument ({@code /etc/x.conf} or {@code --config=/etc/x.conf}), or a directory the service uses. */
    private void usedPath(String value, ResourceId service) {
        after(directories.get(value), service, EdgeKind.ORDER, "the service uses this directory (named in its command or env)");
        String path = value.contains("=") ? value.substring(value.indexOf('=') + 1) : value;
        after(files.get(path), service, EdgeKind.NOTIFY, "the service reads this file (named in its command or env)");
        if (!path.equals(value)) {
            after(files.get(value), service, EdgeKind.NOTIFY, "the service reads this file (named in its command or env)");
        }
    }

    /** The managed virtualenv a program lies in ({@code /srv/app/venv/bin/python}), if any. */
    private Optional<ResourceId> virtualenvOf(String program) {
        for (String dir = parent(program); dir != null; dir = parent(dir)) {
            if (virtualenvs.containsKey(dir)) {
                return Optional.of(virtualenvs.get(dir));
            }
        }
        return Optional.empty();
    }

    /** The closest managed directory at or above {@code path}. */
    private ResourceId nearestDirectory(String path, boolean inclusive) {
        String current = inclusive ? path : parent(path);
        while (current != null) {
            ResourceId id = directories.get(current);
            if (id != null) {
                return id;
            }
            current = parent(current);
        }
        return null;
    }

    private static String parent(String path) {
        if (path.equals("/")) {
            return null;
        }
        int slash = path.lastIndexOf('/');
        return slash == 0 ? "/" : path.substring(0, slash);
    }

    private void after(ResourceId first, ResourceId then, EdgeKind kind, String reason) {
        if (first == null || first.equals(then) || !declared.containsKey(first)) {
            return;
        }
        if (declared.get(first).absent() && declared.get(then).absent()) {
            edges.add(new EdgeSpec(then, first, EdgeKind.ORDER, "implied (reversed for removal): " + reason));
        } else {
            edges.add(new EdgeSpec(first, then, kind, "implied: " + reason));
        }
    }

    private static ResourceId packageId(String name) {
        return new ResourceId(ResourceType.PACKAGE, name);
    }

    private static ResourceId userId(String name) {
        return new ResourceId(ResourceType.USER, name);
    }

    private static ResourceId groupId(String name) {
        return new ResourceId(ResourceType.GROUP, name);
    }

}
