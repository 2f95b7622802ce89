package io.kraftwerk.model;

import io.kraftwerk.model.catalog.Catalog;
import io.kraftwerk.model.catalog.CatalogResource;
import io.kraftwerk.model.catalog.Edge;
import io.kraftwerk.model.catalog.EdgeKind;
import io.kraftwerk.model.catalog.Provenance;
import io.kraftwerk.model.resource.DataDirResource;
import io.kraftwerk.model.resource.DirectoryResource;
import io.kraftwerk.model.resource.Ensure;
import io.kraftwerk.model.resource.FileResource;
import io.kraftwerk.model.resource.GroupResource;
import io.kraftwerk.model.resource.GunicornAppResource;
import io.kraftwerk.model.resource.NginxVhostResource;
import io.kraftwerk.model.resource.PackageResource;
import io.kraftwerk.model.resource.Resource;
import io.kraftwerk.model.resource.ResourceType;
import io.kraftwerk.model.resource.RunitServiceResource;
import io.kraftwerk.model.resource.ServiceEnsure;
import io.kraftwerk.model.resource.SysctlResource;
import io.kraftwerk.model.resource.TlsSettings;
import io.kraftwerk.model.resource.UserResource;
import io.kraftwerk.model.resource.VirtualenvResource;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** One fully populated, valid resource of every type, for round trips and validation tests. */
public final class Samples {
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
