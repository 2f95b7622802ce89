package io.kraftwerk.systemtests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftwerk.model.catalog.Catalog;
import io.kraftwerk.model.catalog.CatalogResource;
import io.kraftwerk.model.catalog.Edge;
import io.kraftwerk.model.catalog.EdgeKind;
import io.kraftwerk.model.catalog.Provenance;
import io.kraftwerk.model.json.ModelJson;
import io.kraftwerk.model.report.Report;
import io.kraftwerk.model.report.ResourceReport;
import io.kraftwerk.model.report.ResourceStatus;
import io.kraftwerk.model.resource.DirectoryResource;
import io.kraftwerk.model.resource.FileResource;
import io.kraftwerk.testkit.DisposableNode;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A local user, alice, who owns her home directory, plants links there hoping the agent (root)
 * writes through them: her managed notes file is a link to a copy of /etc/shadow, her .ssh is a
 * link to root's. The agent runs under strace in a disposable node: the shadow copy is untouched,
 * root's .ssh gains nothing, both resources fail saying why, and a sensitive file elsewhere is
 * written as promised: its temporary file created exclusively with mode 0600, given its owner
 * before the first byte, its mode before it is renamed into place.
 */
class AgentWriteSafetyIT {
    private static final String SECRET_CONTENT = "password = hunter2\n";

    @Test
    void linksPlantedByAUserAreNotFollowedAndSecretsAreNeverReadableByOthers() throws Exception {
        try (DisposableNode node = DisposableNode.start(Repo.SCRATCH, "shared1.example.net", Repo.ROOT)) {
            node.exec(List.of("useradd", "--create-home", "--shell", "/bin/sh", "alice")).orThrow();
            node.exec(List.of("cp", "--preserve=mode,ownership", "/etc/shadow", "/root/shadow-copy")).orThrow();
            node.exec(List.of("mkdir", "-p", "-m", "0700", "/root/.ssh")).orThrow();
            Path shadow = node.path("/root/shadow-copy");
            byte[] shadowBefore = Files.readAllBytes(shadow);
            String modeBefore = PosixFilePermissions.toString(Files.getPosixFilePermissions(shadow));
            asAlice(node, "ln", "-s", "/root/shadow-copy", "/home/alice/notes.txt");
            asAlice(node, "ln", "-s", "/root/.ssh", "/home/alice/.ssh");

            Files.write(node.path("/root/catalog.json"), ModelJson.writeBytes(catalog()));
            DisposableNode.Result run = node.exec(List.of("strace", "-f", "-qq", "-o", "/root/trace.txt",
                    "-e", "trace=openat,fchown,fchownat,chown,lchown,fchmod,fchmodat,chmod,write,pwrite64,writev,rename,renameat,renameat2",
                    Repo.agent(), "apply", "/root/catalog.json", "--json", "/root/report.json"), Duration.ofMinutes(5));
            assertEquals(6, run.exitCode(), "changes and failures: " + run.stdout() + run.stderr());
            Report report = ModelJson.readReport(Files.readAllBytes(node.path("/root/report.json")), "report.json");

            ResourceReport notes = resource(report, "file[/home/alice/notes.txt]");
            assertEquals(ResourceStatus.FAILED, notes.status());
            assertEquals("/home/alice/notes.txt is a symbolic link in /home/alice, which alice owns; Kraftwerk neither follows"
                    + " nor replaces it, since someone may have planted it (remove it, or manage a path in a directory only root"
                    + " can write)", notes.message());
            ResourceReport keys = resource(report, "file[/home/alice/.ssh/authorized_keys]");
            assertEquals(ResourceStatus.FAILED, keys.status());
            assertEquals("cannot read its current state: /home/alice/.ssh is a symbolic link in /home/alice, which alice owns;"
                    + " Kraftwerk does not follow links that others could change (on the way to /home/alice/.ssh/authorized_keys)",
                    keys.message());
            assertEquals(ResourceStatus.CHANGED, resource(report, "file[/etc/app/secret.conf]").status());

            assertArrayEquals(shadowBefore, Files.readAllBytes(shadow), "the shadow copy's content");
            assertEquals(modeBefore, PosixFilePermissions.toString(Files.getPosixFilePermissions(shadow)));
            assertEquals("root", Files.getOwner(shadow).getName());
            assertTrue(Files.isSymbolicLink(node.path("/home/alice/notes.txt")), "alice's link is left for her to explain");
            assertFalse(Files.exists(node.path("/root/.ssh/authorized_keys"), LinkOption.NOFOLLOW_LINKS));

            assertEquals(SECRET_CONTENT, Files.readString(node.path("/etc/app/secret.conf")));
            assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(node.path("/etc/app/secret.conf"))));
            assertSecretWrittenInOrder(Files.readAllLines(node.path("/root/trace.txt")));
        }
    }

    private static void asAlice(DisposableNode node, String... argv) throws Exception {
        List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=alice", "--regid=alice", "--init-groups", "--"));
        command.addAll(List.of(argv));
        node.exec(command).orThrow();
    }

    /** The result of a call of thread {@code tid} that strace showed as unfinished on line {@code from}. */
    private static String resumedResult(List<String> trace, int from, String tid, String call) {
        Pattern resumed = Pattern.compile("^" + tid + " +<\\.\\.\\. " + call + " resumed>.*\\)\\s*=\\s*(\\d+)"); // strace aligns the result
        for (int i = from + 1; i < trace.size(); i++) {
            Matcher m = resumed.matcher(trace.get(i));
            if (m.find()) {
                return m.group(1);
            }
        }
        throw new AssertionError("strace showed " + call + " of thread " + tid + " unfinished and never resumed; its next lines:\n"
                + String.join("\n", trace.subList(from, trace.size()).stream().filter(l -> l.startsWith(tid + " ")).limit(8).toList()));
    }

    /**
     * In the trace of the thread that wrote it: the temporary file is opened with O_CREAT|O_EXCL
     * and mode 0600; then its owner is set; only then is content written to it; its final mode
     * (0640) is set before the rename that puts it in place. No call ever names it by path to
     * change its owner or mode.
     */
    private static void assertSecretWrittenInOrder(List<String> trace) {
        // strace splits a call another thread interrupts: "openat(… <unfinished ...>", later "<... openat resumed>) = 25"
        Pattern create = Pattern.compile("^(\\d+) +openat\\(\\d+, \"(\\.kw-tmp\\.secret\\.conf\\.[0-9a-f]+)\", ([A-Z_|]+), 0600"
                + "(?:\\)\\s*=\\s*(\\d+)| <unfinished \\.\\.\\.>)");
        String tid = null;
        String temp = null;
        String fd = null;
        int created = -1;
        for (int i = 0; i < trace.size(); i++) {
            Matcher m = create.matcher(trace.get(i));
            if (m.find()) {
                tid = m.group(1);
                temp = m.group(2);
                fd = m.group(4) != null ? m.group(4) : resumedResult(trace, i, tid, "openat");
                created = i;
                assertTrue(m.group(3).contains("O_CREAT") && m.group(3).contains("O_EXCL"), trace.get(i));
                break;
            }
        }
        assertTrue(created >= 0, "the agent made a temporary file for secret.conf with mode 0600:\n" + String.join("\n",
                trace.stream().filter(l -> l.contains("secret")).toList()));
        int owned = -1;
        int firstWrite = -1;
        int finalMode = -1;
        int renamed = -1;
        for (int i = created + 1; i < trace.size(); i++) {
            String line = trace.get(i);
            if (!line.startsWith(tid + " ")) {
                continue;
            }
            if (owned < 0 && line.matches(".*fchown\\(\\d+, 0, -?\\d+(\\) += 0| <unfinished.*)")) {
                owned = i;
            } else if (firstWrite < 0 && line.matches("^\\d+ +(write|pwrite64|writev)\\(" + fd + ", .*")) {
                firstWrite = i;
            } else if (finalMode < 0 && line.matches(".*fchmod(at)?\\(\\d+, (\"[^\"]*\", )?0640.*")) {
                finalMode = i;
            } else if (renamed < 0 && line.contains("rename") && line.contains(temp) && line.contains("\"secret.conf\"")) {
                renamed = i;
            }
        }
        String thread = tid;
        String seen = "the writing thread's calls:\n" + String.join("\n", trace.subList(created, Math.max(created, Math.max(renamed, 
                Math.min(trace.size(), created + 400)))).stream().filter(l -> l.startsWith(thread + " ") && !l.matches(".* write\\([12], .*"))
                .limit(40).toList());
        assertTrue(owned > created, "owner set after creation; " + seen);
        assertTrue(firstWrite > owned, "content written only once the owner is set; " + seen);
        assertTrue(renamed > finalMode && finalMode > firstWrite, "the final mode is set before the rename; " + seen);
        assertFalse(trace.stream().anyMatch(l -> l.matches("^\\d+ +(chmod|chown|lchown)\\(\"/(etc/app|home/alice)[^\"]*\".*")),
                "no owner or mode is changed by path");
    }

    private static ResourceReport resource(Report report, String id) {
        return report.resources().stream().filter(r -> r.id().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + id + " in the report"));
    }

    private static Catalog catalog() {
        Provenance where = new Provenance("roles/shared.yaml", 1, 1, "shared", null);
        List<CatalogResource> resources = List.of(
                CatalogResource.of(new FileResource("/home/alice/notes.txt", null, "hello\n", "alice", "alice", "0644", false),
                        false, List.of(), where),
                CatalogResource.of(new FileResource("/home/alice/.ssh/authorized_keys", null, "ssh-ed25519 AAAAC3Nz alice@laptop\n",
                        "alice", "alice", "0600", false), false, List.of(), where),
                CatalogResource.of(new DirectoryResource("/etc/app", null, "root", "root", "0755", false), false, List.of(), where),
                CatalogResource.of(new FileResource("/etc/app/secret.conf", null, SECRET_CONTENT, "root", "alice", "0640", true),
                        false, List.of(), where));
        List<Edge> edges = List.of(new Edge("directory[/etc/app]", "file[/etc/app/secret.conf]", EdgeKind.ORDER,
                "implied: parent directory"));
        return new Catalog(Catalog.FORMAT_VERSION, "shared1.example.net", "production", "sha256:shared", resources, edges);
    }
}
