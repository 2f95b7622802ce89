package io.kraftwerk.bench;

import io.kraftwerk.master.manifest.ManifestFiles;
import io.kraftwerk.master.secrets.Envelope;
import io.kraftwerk.master.secrets.SecretsKey;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;

/**
 * Generates a site whose one node compiles to about {@code n} resources, in the proportions of a
 * real web node: packages, accounts, directories, files (literal, interpolated and templated),
 * data dirs, runit services and wsgi_app composites, with data lookups throughout.
 */
public final class SyntheticSite {
    public static final String NODE = "big1.example.net";

    private SyntheticSite() {
    }

    public static ManifestFiles generate(int n) {
        return generate(n, 0, null);
    }

    /**
     * The same site, whose first {@code secrets} plain files take their content from an encrypted
     * data value instead (sealed to {@code key}): as many resources, {@code secrets} values to open.
     * With no key the data values are plain: the same lookups, nothing to open (the baseline that
     * tells decryption's cost from the lookups').
     */
    public static ManifestFiles generate(int n, int secrets, SecretsKey key) {
        Map<String, byte[]> files = new HashMap<>();
        put(files, "site.yaml", """
                apiVersion: kraftwerk/v1
                kind: Site
                nodes:
                  - name: big1.example.net
                    roles: [big]
                """);
        put(files, "data/common.yaml", """
                apiVersion: kraftwerk/v1
                kind: Data
                data:
                  site: {name: example.net, owner: ops, mode: "0640"}
                  apps: {workers: 3, wheelhouse: /srv/wheelhouse}
                """ + encrypted(secrets, key));
        put(files, "templates/app.conf", """
                # {node.name} ({node.environment})
                name = {vars.name}
                workers = {data.apps.workers}
                {#for r in node.roles}role = {r}
                {/for}""");
        StringBuilder role = new StringBuilder("apiVersion: kraftwerk/v1\nkind: Role\nresources:\n");
        int apps = Math.max(1, n / 50);              // each expands to 10 resources, plus 3 shared packages
        int services = Math.max(1, n / 50);
        int users = Math.max(1, n / 25);
        int packages = Math.max(1, n / 10);
        int dirs = Math.max(1, n / 10);
        int fixed = apps * 10 + 3 + services + users * 2 + packages + dirs + 1;
        int fileCount = Math.max(1, n - fixed);
        role.append("  package:\n");
        for (int i = 0; i < packages; i++) {
            role.append("    pkg").append(i).append(": {}\n");
        }
        role.append("  group:\n");
        for (int i = 0; i < users; i++) {
            role.append("    team").append(i).append(": {gid: ").append(3000 + i).append("}\n");
        }
        role.append("  user:\n");
        for (int i = 0; i < users; i++) {
            role.append("    user").append(i).append(":\n      uid: ").append(3000 + i).append("\n      group: team")
                    .append(i).append("\n      home: /home/user").append(i).append("\n      shell: /bin/bash\n");
        }
        role.append("  directory:\n    /srv/wheelhouse: {mode: \"0755\"}\n");
        for (int i = 0; i < dirs; i++) {
            role.append("    /etc/big/d").append(i).append(": {owner: root, group: \"${data.site.owner}\", mode: \"0750\"}\n");
        }
        role.append("  file:\n");
        for (int i = 0; i < fileCount; i++) {
            String path = "/etc/big/d" + (i % dirs) + "/f" + i + ".conf";
            switch (i % 3) {
                case 0 -> role.append("    ").append(path).append(i / 3 < secrets ? ":\n      content: \"${data.secrets.s" + i / 3 + "}\"\n"
                        : ":\n      content: \"value " + i + "\\n\"\n").append("      mode: \"0644\"\n");
                case 1 -> role.append("    ").append(path).append(":\n      content: \"owner=${data.site.owner} site=${data.site.name}\\n\"\n      mode: ${data.site.mode}\n");
                default -> role.append("    ").append(path).append(":\n      template: app.conf\n      vars: {name: f").append(i).append("}\n");
            }
        }
        role.append("  runit_service:\n");
        for (int i = 0; i < services; i++) {
            role.append("    worker").append(i).append(":\n      command: [/usr/bin/python3, -m, worker, --config, /etc/big/d0/f0.conf]\n")
                    .append("      user: user").append(i % users).append("\n");
        }
        role.append("  wsgi_app:\n");
        for (int i = 0; i < apps; i++) {
            role.append("    app").append(i).append(":\n      domains: [app").append(i).append(".example.net]\n")
                    .append("      redirect_domains: [www.app").append(i).append(".example.net]\n")
                    .append("      module: app").append(i).append(".wsgi:application\n")
                    .append("      requirements: [app").append(i).append("==1.0.0]\n")
                    .append("      find_links: [\"${data.apps.wheelhouse}\"]\n")
                    .append("      workers: ${data.apps.workers}\n")
                    .append("      data_dirs: [uploads, cache]\n")
                    .append("      static_locations: {/static/: static}\n")
                    .append("      env: {APP_MODE: production}\n");
        }
        put(files, "roles/big.yaml", role.toString());
        return ManifestFiles.ofContent(files);
    }

    private static String encrypted(int count, SecretsKey key) {
        if (count == 0) {
            return "";
        }
        StringBuilder data = new StringBuilder("  secrets:\n");
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < count; i++) {
            String value = "secret value " + i + "\n";
            data.append("    s").append(i).append(": ").append(key == null ? "\"secret value " + i + "\\n\"" : Envelope.encrypt(value, key, random))
                    .append('\n');
        }
        return data.toString();
    }

    private static void put(Map<String, byte[]> files, String path, String text) {
        files.put(path, text.getBytes(StandardCharsets.UTF_8));
    }
}
