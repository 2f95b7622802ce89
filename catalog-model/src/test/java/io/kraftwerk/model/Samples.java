package io.kraftwerk.model;

import io.kraftwerk.model.catalog.Catalog;
import io.kraftwerk.model.catalog.CatalogResource;
import io.kraftwerk.model.catalog.Edge;
import io.kraftwerk.model.catalog.EdgeKind;
import io.kraftwerk.model.catalog.Provenance;
import io.kraftwerk.model.resource.AptSourceResource;
import io.kraftwerk.model.resource.CronJobResource;
import io.kraftwerk.model.resource.DataDirResource;
import io.kraftwerk.model.resource.DirectoryResource;
import io.kraftwerk.model.resource.Ensure;
import io.kraftwerk.model.resource.ExecResource;
import io.kraftwerk.model.resource.FileResource;
import io.kraftwerk.model.resource.GroupResource;
import io.kraftwerk.model.resource.GunicornAppResource;
import io.kraftwerk.model.resource.NginxVhostResource;
import io.kraftwerk.model.resource.PackageResource;
import io.kraftwerk.model.resource.PostgresqlDatabaseResource;
import io.kraftwerk.model.resource.Resource;
import io.kraftwerk.model.resource.ResourceType;
import io.kraftwerk.model.resource.RestoreFrom;
import io.kraftwerk.model.resource.RunitServiceResource;
import io.kraftwerk.model.resource.ServiceEnsure;
import io.kraftwerk.model.resource.SshAuthorizedKeyResource;
import io.kraftwerk.model.resource.SysctlResource;
import io.kraftwerk.model.resource.TlsSettings;
import io.kraftwerk.model.resource.UserResource;
import io.kraftwerk.model.resource.VirtualenvResource;
import io.kraftwerk.model.resource.WsgiReleaseResource;
import io.kraftwerk.model.resource.ArtifactRef;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** One fully populated, valid resource of every type, for round trips and validation tests. */
public final class Samples {
    /** A real ed25519 public key (ssh-keygen -t ed25519), whose blob names its type. */
    public static final String ED25519_KEY = "AAAAC3NzaC1lZDI1NTE5AAAAIFWIr8hnoDiSi1YiVf7BnBDHxd/Ns917k2Nv4PeF5NA/";

    private Samples() {
    }

    public static Map<ResourceType, Resource> everyType() {
        Map<ResourceType, Resource> all = new EnumMap<>(ResourceType.class);
        all.put(ResourceType.PACKAGE, new PackageResource("nginx", Ensure.PRESENT, "1.22.1-9"));
        all.put(ResourceType.GROUP, new GroupResource("ops", Ensure.PRESENT, 2000, false));
        all.put(ResourceType.USER, new UserResource("deploy", Ensure.PRESENT, 2001, "ops", List.of("www-data", "adm"),
                "/home/deploy", "/bin/bash", "Deployments", false, true));
        all.put(ResourceType.FILE, new FileResource("/etc/app/app.conf", Ensure.PRESENT, "key = \"value\"\nünï = 1\n",
                "root", "ops", "0640", true));
        all.put(ResourceType.DIRECTORY, new DirectoryResource("/etc/app", Ensure.PRESENT, "root", "ops", "0750", false));
        all.put(ResourceType.DATA_DIR, new DataDirResource("/srv/app/data/uploads", Ensure.ABSENT, "app", "app", "2770", true));
        all.put(ResourceType.VIRTUALENV, new VirtualenvResource("/srv/app/venv", Ensure.PRESENT, "/usr/bin/python3.11",
                List.of("app==1.2.3", "requests>=2.31,<3"), "https://pypi.example.net/simple",
                List.of("/srv/wheelhouse", "https://wheels.example.net/"), "app", "app", true));
        all.put(ResourceType.RUNIT_SERVICE, new RunitServiceResource("app-worker", ServiceEnsure.STOPPED,
                List.of("/srv/app/venv/bin/python", "-m", "app.worker", "--name=it's \"quoted\""), "app", "app",
                new TreeMap<>(Map.of("TOKEN", "s3cret", "MODE", "batch")), List.of("TOKEN"), "/srv/app", "/var/log/app-worker"));
        all.put(ResourceType.GUNICORN_APP, new GunicornAppResource("app", ServiceEnsure.RUNNING, "/srv/app/venv",
                "app.wsgi:application", "127.0.0.1:8001", 4, 60, "app", "app", "/srv/app",
                new TreeMap<>(Map.of("DJANGO_SETTINGS_MODULE", "app.settings")), List.of(), "/var/log/app", "/healthz"));
        all.put(ResourceType.NGINX_VHOST, new NginxVhostResource("app.example.net", Ensure.PRESENT,
                List.of("app.example.net", "*.app.example.net"), List.of("www.app.example.net"), 8080,
                List.of("unix:/run/app/gunicorn.sock", "10.0.0.5:8001"), new TreeMap<>(Map.of("/static/", "/srv/app/static")),
                "20m", new TlsSettings("/etc/ssl/app.crt", "/etc/ssl/app.key")));
        all.put(ResourceType.SYSCTL, new SysctlResource("net.ipv4.ip_local_port_range", Ensure.PRESENT, "32768 60999"));
        all.put(ResourceType.SSH_AUTHORIZED_KEY, new SshAuthorizedKeyResource("alice@laptop", Ensure.PRESENT, "deploy", "ssh-ed25519",
                ED25519_KEY, "Alice's laptop", List.of("from=\"10.0.0.0/8\"", "no-port-forwarding"), true));
        all.put(ResourceType.CRON_JOB, new CronJobResource("app-clearsessions", Ensure.PRESENT, "*/15 2-5 * jan-jun mon-fri", "app",
                List.of("/srv/app/venv/bin/python", "-m", "app.clearsessions", "--older-than=50%"), new TreeMap<>(Map.of("MAILTO", ""))));
        all.put(ResourceType.APT_SOURCE, new AptSourceResource("pgdg", Ensure.PRESENT, List.of("deb"),
                List.of("https://apt.postgresql.org/pub/repos/apt"), List.of("bookworm-pgdg"), List.of("main"), List.of("amd64"),
                "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQINBE6XR8IBEACVdDKT2HEH1IyHzXkb4nIWAY7echjRxo7MTcj4vbXAyBKOfjja\n=Dz3c\n"
                        + "-----END PGP PUBLIC KEY BLOCK-----\n"));
        all.put(ResourceType.EXEC, new ExecResource("app-migrate", List.of("/srv/app/venv/bin/python", "-m", "app.migrate"), null,
                List.of("/srv/app/venv/bin/python", "-m", "app.migrate", "--check"), List.of(), false, 600, "app", "/srv/app",
                new TreeMap<>(Map.of("DATABASE_URL", "postgres://app:s3cret@db/app")), List.of("DATABASE_URL")));
        all.put(ResourceType.POSTGRESQL_DATABASE, new PostgresqlDatabaseResource("shop", Ensure.PRESENT, "shop_owner", "s3cret",
                "UTF8", "C.UTF-8", 5433, false));
        all.put(ResourceType.WSGI_RELEASE, new WsgiReleaseResource("shop", Ensure.PRESENT, "/srv/shop", null, true,
                List.of("shop==2.1.0", "gunicorn==22.0.0"), null, List.of("/srv/wheelhouse"),
                List.of(new ArtifactRef("shop", "2.1.0", "shop-2.1.0-py3-none-any.whl", "0f".repeat(32), 48213L)),
                "shop.wsgi:application", 3, 60, "shop", null, new TreeMap<>(Map.of("SHOP_SECRET", "s3cret", "SHOP_MODE", "live")),
                List.of("SHOP_SECRET"), new TreeMap<>(Map.of("worker", List.of("celery", "-A", "shop", "worker"))), "/healthz", 200,
                "ok", 30, 5, List.of("shop"), new RestoreFrom("live1.example.net", "shop")));
        return all;
    }

    /** A catalog with every sample, in an order that respects its one edge. */
    public static Catalog catalog() {
        List<CatalogResource> resources = new ArrayList<>();
        int line = 1;
        for (Resource r : everyType().values()) {
            resources.add(CatalogResource.of(r, r instanceof PackageResource, List.of("web"),
                    new Provenance("roles/web.yaml", line++, 5, "web", r instanceof GunicornAppResource ? "wsgi_app[app]" : null)));
        }
        Edge edge = new Edge("package[nginx]", "nginx_vhost[app.example.net]", EdgeKind.ORDER, "implied: nginx serves the vhost");
        return new Catalog(Catalog.FORMAT_VERSION, "web1.example.net", "production", "sha256:00", resources, List.of(edge));
    }
}
