package io.kraftwerk.bench;

import io.kraftwerk.model.catalog.Catalog;
import io.kraftwerk.model.catalog.CatalogResource;
import io.kraftwerk.model.catalog.Edge;
import io.kraftwerk.model.catalog.EdgeKind;
import io.kraftwerk.model.catalog.Provenance;
import io.kraftwerk.model.resource.DirectoryResource;
import io.kraftwerk.model.resource.FileResource;
import io.kraftwerk.model.resource.PackageResource;
import io.kraftwerk.model.resource.UserResource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The same desired state for three tools: 20 directories, 160 files (8 per directory, with
 * content, owner, group and mode), 10 users and 10 packages — 200 resources — as a Kraftwerk
 * catalog, a Puppet manifest and a CFEngine policy.
 */
final class EquivalentPolicies {
    static final int DIRECTORIES = 20;
    static final int FILES_PER_DIRECTORY = 8;
    static final int USERS = 10;
    /** Installed on the host already, so a no-change run checks them without installing. */
    static final List<String> PACKAGES = List.of("curl", "less", "ca-certificates", "tar", "gzip", "sed", "grep",
            "findutils", "bash", "coreutils");

    private EquivalentPolicies() {
    }

    static String dir(int d) {
        return String.format("/opt/bench-d%02d", d);
    }

    static String file(int d, int f) {
        return dir(d) + String.format("/f%03d.conf", d * FILES_PER_DIRECTORY + f);
    }

    static String content(int d, int f) {
        StringBuilder s = new StringBuilder();
        for (int line = 0; line < 6; line++) {
            s.append("setting_").append(line).append(" = value-").append(d).append('-').append(f).append('-').append(line).append('\n');
        }
        return s.toString();
    }

    static Catalog kraftwerk(String node) {
        List<CatalogResource> resources = new ArrayList<>();
        List<Edge> edges = new ArrayList<>();
        Provenance where = new Provenance("roles/bench.yaml", 1, 1, "bench", null);
        for (String p : PACKAGES) {
            resources.add(CatalogResource.of(new PackageResource(p, null, null), false, List.of(), where));
        }
        for (int u = 0; u < USERS; u++) {
            resources.add(CatalogResource.of(new UserResource("bench" + u, null, 3100 + u, "users", List.of(),
                    "/home/bench" + u, "/bin/sh", null, false, false), false, List.of(), where));
        }
        for (int d = 0; d < DIRECTORIES; d++) {
            DirectoryResource dir = new DirectoryResource(dir(d), null, "root", "root", "0755", false);
            resources.add(CatalogResource.of(dir, false, List.of(), where));
            for (int f = 0; f < FILES_PER_DIRECTORY; f++) {
                FileResource file = new FileResource(file(d, f), null, content(d, f), "root", "root", "0644", false);
                resources.add(CatalogResource.of(file, false, List.of(), where));
                edges.add(new Edge(dir.id().toString(), file.id().toString(), EdgeKind.ORDER, "implied: parent directory"));
            }
        }
        return new Catalog(Catalog.FORMAT_VERSION, node, "production", "sha256:bench", resources, edges);
    }

    static String puppet() {
        StringBuilder s = new StringBuilder();
        for (String p : PACKAGES) {
            s.append("package { '").append(p).append("': ensure => installed }\n");
        }
        for (int u = 0; u < USERS; u++) {
            s.append("user { 'bench").append(u).append("': ensure => present, uid => ").append(3100 + u)
                    .append(", gid => 'users', home => '/home/bench").append(u).append("', shell => '/bin/sh', managehome => false }\n");
        }
        for (int d = 0; d < DIRECTORIES; d++) {
            s.append("file { '").append(dir(d)).append("': ensure => directory, owner => 'root', group => 'root', mode => '0755' }\n");
            for (int f = 0; f < FILES_PER_DIRECTORY; f++) {
                s.append("file { '").append(file(d, f)).append("': ensure => file, content => \"")
                        .append(content(d, f).replace("\n", "\\n")).append("\", owner => 'root', group => 'root', mode => '0644' }\n");
            }
        }
        return s.toString();
    }

    /**
     * The same state as Kraftwerk manifests (site.yaml and one role) for any node of example.net,
     * as a master serves it: relative path → content.
     */
    static Map<String, String> kraftwerkSite() {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("site.yaml", """
                apiVersion: kraftwerk/v1
                kind: Site
                default_environment: production
                nodes:
                  - glob: "*.example.net"
                    roles: [bench]
                """);
        StringBuilder role = new StringBuilder("apiVersion: kraftwerk/v1\nkind: Role\nresources:\n  package:\n");
        for (String p : PACKAGES) {
            role.append("    ").append(p).append(": {}\n");
        }
        role.append("  user:\n");
        for (int u = 0; u < USERS; u++) {
            role.append("    bench").append(u).append(": {uid: ").append(3100 + u).append(", group: users, home: /home/bench")
                    .append(u).append(", shell: /bin/sh}\n");
        }
        role.append("  directory:\n");
        for (int d = 0; d < DIRECTORIES; d++) {
            role.append("    ").append(dir(d)).append(": {owner: root, group: root, mode: \"0755\"}\n");
        }
        role.append("  file:\n");
        for (int d = 0; d < DIRECTORIES; d++) {
            for (int f = 0; f < FILES_PER_DIRECTORY; f++) {
                role.append("    ").append(file(d, f)).append(":\n      owner: root\n      group: root\n      mode: \"0644\"\n")
                        .append("      content: |\n");
                content(d, f).lines().forEach(l -> role.append("        ").append(l).append('\n'));
            }
        }
        files.put("roles/bench.yaml", role.toString());
        return files;
    }

    /** The same state as a Puppet site manifest for every node. */
    static String puppetSite() {
        return "node default {\n" + puppet() + "}\n";
    }

    static String cfengine() {
        StringBuilder s = new StringBuilder("""
                body common control
                {
                  bundlesequence => { "bench" };
                }
                body perms kw_perms(m)
                {
                  mode => "$(m)";
                  owners => { "root" };
                  groups => { "root" };
                  rxdirs => "false";
                }
                body package_module apt_get
                {
                  query_installed_ifelapsed => "0";
                  query_updates_ifelapsed => "10080";
                }
                bundle agent bench
                {
                  packages:
                """);
        for (String p : PACKAGES) {
            s.append("    \"").append(p).append("\" policy => \"present\", package_module => apt_get;\n");
        }
        s.append("  users:\n");
        for (int u = 0; u < USERS; u++) {
            s.append("    \"bench").append(u).append("\" policy => \"present\", uid => \"").append(3100 + u)
                    .append("\", group_primary => \"users\", home_dir => \"/home/bench").append(u).append("\", shell => \"/bin/sh\";\n");
        }
        s.append("  files:\n");
        for (int d = 0; d < DIRECTORIES; d++) {
            s.append("    \"").append(dir(d)).append("/.\" create => \"true\", perms => kw_perms(\"755\");\n");
            for (int f = 0; f < FILES_PER_DIRECTORY; f++) {
                s.append("    \"").append(file(d, f)).append("\" create => \"true\", content => \"")
                        .append(content(d, f)).append("\", perms => kw_perms(\"644\");\n");
            }
        }
        return s.append("}\n").toString();
    }
}
