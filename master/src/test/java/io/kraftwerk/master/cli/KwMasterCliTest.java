package io.kraftwerk.master.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftwerk.master.Golden;
import io.kraftwerk.master.ca.CertificateAuthority;
import io.kraftwerk.model.catalog.Catalog;
import io.kraftwerk.model.json.ModelJson;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class KwMasterCliTest {
    @TempDir
    Path tmp;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = KwMaster.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    @Test
    void compilePrintsTheCatalogOnStandardOutput() throws Exception {
        int status = run("compile", "--manifests", Golden.exampleSite().toString(), "--node", "db1.example.net");
        assertEquals(0, status, err.toString());
        Catalog catalog = ModelJson.readCatalog(out.toString().getBytes(StandardCharsets.UTF_8), "stdout");
        assertEquals("db1.example.net", catalog.node());
        assertEquals("", err.toString());
    }

    @Test
    void compileTakesFactsFromAFile() throws Exception {
        Path facts = tmp.resolve("facts.json");
        Files.writeString(facts, "{\"os\": {\"id\": \"debian\", \"codename\": \"trixie\", \"pretty_name\": \"Debian 13\"},"
                + " \"processors\": {\"count\": 8}}");
        int status = run("compile", "--manifests", Golden.exampleSite().toString(), "--node", "db1.example.net",
                "--facts", facts.toString());
        assertEquals(0, status, err.toString());
        assertTrue(out.toString().contains("Debian 13, 8 CPUs"), "motd is rendered from the given facts");
        assertTrue(!out.toString().contains("unattended-upgrades"), "the bookworm role no longer matches");
    }

    @Test
    void compileAndLintTakeTheFleetFromTheFixturesOrAFile() throws Exception {
        assertEquals(0, run("compile", "--manifests", Golden.exampleSite().toString(), "--node", "lb1.example.net"), err.toString());
        assertTrue(out.toString().contains("\"10.0.0.11:80\""), "offline, the fleet is the site's fixtures: web1");
        Path fleet = tmp.resolve("fleet.yaml");
        Files.writeString(fleet, "nodes:\n"
                + "  - {certname: web1.example.net, environment: production, roles: [web], facts: {networking: {ip: 10.0.9.1}}}\n"
                + "  - {certname: web7.example.net, environment: production, roles: [web], facts: {networking: {ip: 10.0.9.7}}}\n"
                + "  - {certname: web8.example.net, environment: production, roles: [web], standing: failed,"
                + " facts: {networking: {ip: 10.0.9.8}}}\n");
        out.getBuffer().setLength(0);
        assertEquals(0, run("compile", "--manifests", Golden.exampleSite().toString(), "--node", "lb1.example.net", "--fleet",
                fleet.toString()), err.toString());
        Catalog catalog = ModelJson.readCatalog(out.toString().getBytes(StandardCharsets.UTF_8), "stdout");
        assertTrue(out.toString().contains("\"10.0.9.1:80\",\n          \"10.0.9.7:80\"\n"), out.toString());
        assertTrue(!out.toString().contains("10.0.9.8"), "a failed node is out");
        assertTrue(catalog.fleetDigest().startsWith("sha256:"));

        Files.writeString(fleet, "nodes:\n  - {certname: web1.example.net, standing: asleep}\n");
        assertEquals(KwMaster.EXIT_USAGE, run("lint", "--manifests", Golden.exampleSite().toString(), "--fleet", fleet.toString()));
        assertTrue(err.toString().contains(fleet + ":2:5: a fleet node needs 'environment'"), err.toString());
        assertTrue(err.toString().contains(fleet + ":2:44: unknown standing 'asleep'"), err.toString());
    }

    @Test
    void manifestErrorsGoToStandardErrorWithStatus1() throws Exception {
        Path site = tmp.resolve("site");
        Files.createDirectories(site.resolve("roles"));
        Files.writeString(site.resolve("site.yaml"),
                "apiVersion: kraftwerk/v1\nkind: Site\nnodes:\n  - name: n1.example.net\n    roles: [app]\n");
        Files.writeString(site.resolve("roles/app.yaml"),
                "apiVersion: kraftwerk/v1\nkind: Role\nresources:\n  pakage:\n    nginx: {}\n  file:\n    /x:\n      mod: '0644'\n");
        int status = run("compile", "--manifests", site.toString(), "--node", "n1.example.net");
        assertEquals(1, status);
        assertEquals("", out.toString());
        assertEquals("roles/app.yaml:4:3: unknown resource type 'pakage' (did you mean 'package'?)\n"
                + "roles/app.yaml:8:7: unknown attribute 'mod' for file[/x] (did you mean 'mode'?)\n"
                + "kw-master: 2 errors; no catalog for n1.example.net\n", err.toString());
    }

    @Test
    void lintCompilesEveryDeclaredNode() {
        int status = run("lint", "--manifests", Golden.exampleSite().toString());
        assertEquals(0, status, err.toString());
        String[] lines = out.toString().split("\n");
        assertEquals(8, lines.length, out.toString());
        assertTrue(lines[0].matches("ok app1\\.example\\.net: \\d+ resources, \\d+ edges, environment production"), lines[0]);
        assertTrue(lines[3].matches("ok stage1\\.example\\.net: \\d+ resources, \\d+ edges, environment staging"), lines[3]);
        assertEquals("encrypted values: to key ab336546d2c0054f, which secrets.pub lists (not decrypted: lint needs no private key)",
                lines[5], "lint checks the example's encrypted values against its secrets.pub, without any private key");
        assertEquals("fleet: 5 nodes from the manifests' fixtures (give another with --fleet FILE) answered ${fleet...}: queries"
                + " web_backends", lines[6]);
        assertTrue(lines[7].startsWith("not resolved (no --artifacts DIR given"), "the example's apps come from a store: " + lines[7]);
    }

    @Test
    void lintReportsEachErrorOnceWithTheNodesItAffects() throws Exception {
        Path site = tmp.resolve("site");
        Files.createDirectories(site.resolve("roles"));
        Files.writeString(site.resolve("site.yaml"), "apiVersion: kraftwerk/v1\nkind: Site\nnodes:\n"
                + "  - glob: '*.example.net'\n    roles: [base]\n  - name: a.example.net\n  - name: b.example.net\n");
        Files.writeString(site.resolve("roles/base.yaml"),
                "apiVersion: kraftwerk/v1\nkind: Role\nresources:\n  file:\n    /etc/motd:\n      content: ${data.motd}\n");
        int status = run("lint", "--manifests", site.toString());
        assertEquals(1, status);
        assertEquals("FAILED a.example.net: 1 error\nFAILED b.example.net: 1 error\n", out.toString());
        assertEquals("roles/base.yaml:6:16: undefined data key 'motd' (define it under 'data:' in data/common.yaml or a"
                + " more specific data file) [a.example.net, b.example.net]\n"
                + "kw-master: 1 error in 2 of 2 nodes\n", err.toString());
    }

    @Test
    void lintAndCompileSeeANodesTrustedFactsFromItsFixture() throws Exception {
        Path site = tmp.resolve("trusted-site");
        Files.createDirectories(site.resolve("roles"));
        Files.createDirectories(site.resolve("trusted"));
        Files.writeString(site.resolve("site.yaml"), "apiVersion: kraftwerk/v1\nkind: Site\nnodes:\n"
                + "  - name: db7.example.net\n    trusted: {role: db}\n    roles: [db]\n");
        Files.writeString(site.resolve("roles/db.yaml"),
                "apiVersion: kraftwerk/v1\nkind: Role\nresources:\n  file:\n    /etc/motd:\n      content: \"${trusted.role} in ${trusted.site}\\n\"\n");
        assertEquals(1, run("lint", "--manifests", site.toString()), "without the fixture, db7 matches no rule: " + err);

        Files.writeString(site.resolve("trusted/db7.example.net.yaml"), "role: db\nsite: fra\n");
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        assertEquals(0, run("lint", "--manifests", site.toString()), err.toString());
        assertEquals("ok db7.example.net: 1 resources, 0 edges, environment production\n", out.toString());
        out.getBuffer().setLength(0);
        assertEquals(0, run("compile", "--manifests", site.toString(), "--node", "db7.example.net"), err.toString());
        assertTrue(out.toString().contains("\"content\": \"db in fra\\n\""), out.toString());
        out.getBuffer().setLength(0);
        assertEquals(0, run("compile", "--manifests", site.toString(), "--node", "db7.example.net", "--trusted", "role=db",
                "--trusted", "site=ams"), err.toString());
        assertTrue(out.toString().contains("\"content\": \"db in ams\\n\""), "--trusted replaces the fixture: " + out);

        Files.writeString(site.resolve("trusted/db7.example.net.yaml"), "role: db\nSite: fra\n");
        err.getBuffer().setLength(0);
        assertEquals(1, run("lint", "--manifests", site.toString()));
        assertTrue(err.toString().contains("trusted/db7.example.net.yaml:2:1: 'Site' is not a trusted fact name"), err.toString());
    }

    @Test
    void wrongUsageExitsWith2AndSaysWhatIsMissing() {
        int status = run("compile", "--manifests", "x");
        assertEquals(2, status);
        assertTrue(err.toString().startsWith("kw-master: Missing required option: '--node=NAME'"), err.toString());
    }

    @Test
    void caCommandsNeedAnExistingCa() {
        int status = run("ca", "list", "--data-dir", tmp.toString());
        assertEquals(1, status);
        assertEquals("kw-master ca: there is no CA in " + tmp.resolve("ca") + " (kw-master serve creates it on first start;"
                + " use --data-dir to point at the master's data directory)\n", err.toString());
    }

    @Test
    void caGenerateWritesTheAgentsSslFilesThenListAndRevokeShowIt() throws Exception {
        CertificateAuthority.openOrCreate(tmp.resolve("ca"), "Kraftwerk CA test", Clock.systemUTC(),
                CertificateAuthority.Profile.standard());
        Path ssl = tmp.resolve("node-ssl");
        assertEquals(0, run("ca", "generate", "img1.example.net", "--out", ssl.toString(), "--data-dir", tmp.toString()), err.toString());
        assertTrue(out.toString().startsWith("generated img1.example.net (SHA256:"), out.toString());
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(ssl.resolve("private_key.pem"))));
        assertTrue(Files.readString(ssl.resolve("private_key.pem")).startsWith("-----BEGIN PRIVATE KEY-----"));
        assertEquals(Files.readString(tmp.resolve("ca/ca_crt.pem")), Files.readString(ssl.resolve("ca.pem")));
        assertTrue(Files.readString(ssl.resolve("cert.pem")).startsWith("-----BEGIN CERTIFICATE-----"));

        assertEquals(0, run("ca", "revoke", "img1.example.net", "--data-dir", tmp.toString()), err.toString());
        assertEquals(0, run("ca", "list", "--data-dir", tmp.toString()), err.toString());
        assertTrue(out.toString().lines().anyMatch(l -> l.matches("revoked +img1\\.example\\.net +SHA256:[0-9A-F:]+ expires .*")),
                out.toString());
    }
}
