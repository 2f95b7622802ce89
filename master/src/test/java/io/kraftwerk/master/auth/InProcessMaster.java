package io.kraftwerk.master.auth;

import io.kraftwerk.master.serve.MasterSetup;
import io.kraftwerk.master.settings.DatabaseSettings;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;

/**
 * What {@code kw-master serve} prepares before Quarkus starts (admin token, CA and TLS files, the
 * H2 database, a manifests repository), for a master started in-process by a Quarkus test.
 */
public class InProcessMaster implements QuarkusTestResourceLifecycleManager {
    static Path dataDir;
    static int port;
    private Path work;

    public static Path dataDir() {
        return dataDir;
    }

    public static int port() {
        return port;
    }

    /** The manifests the master serves (committed on branch production); a subclass serves its own. */
    protected void writeManifests(Path manifests) throws IOException {
        Files.writeString(manifests.resolve("site.yaml"), "apiVersion: kraftwerk/v1\nkind: Site\nnodes:\n"
                + "  - glob: '*.example.net'\n    roles: []\n");
    }

    /** What is in the data directory before the master starts, beside the admin token. */
    protected void prepareData(Path data) throws IOException {
    }

    @Override
    public Map<String, String> start() {
        try {
            work = Files.createTempDirectory("kw-master-test");
            dataDir = work.resolve("data");
            Files.createDirectories(dataDir);
            AdminToken.create(dataDir.resolve("admin.token"));
            prepareData(dataDir);
            Path manifests = work.resolve("manifests");
            Files.createDirectories(manifests);
            writeManifests(manifests);
            try (Git git = Git.init().setDirectory(manifests.toFile()).setInitialBranch("production").call()) {
                git.add().addFilepattern(".").call();
                git.commit().setMessage("site").setAuthor("test", "test@example.net").setCommitter("test", "test@example.net")
                        .setSign(false).call();
            }
            try (ServerSocket free = new ServerSocket(0)) {
                port = free.getLocalPort();
            }
            Map<String, String> config = new HashMap<>(MasterSetup.prepare(dataDir, List.of("localhost"), List.of("127.0.0.1"), null, null));
            config.putAll(DatabaseSettings.properties(dataDir, null, null, null));
            config.put("quarkus.http.test-ssl-port", String.valueOf(port));
            config.put("quarkus.http.host", "127.0.0.1");
            config.put("kraftwerk.master.data-dir", dataDir.toString());
            config.put("kraftwerk.master.manifests", manifests.toString());
            config.put("kraftwerk.master.poll-interval", "1h");
            config.put("kraftwerk.master.server-names", "localhost");
            config.put("kraftwerk.master.server-ips", "127.0.0.1");
            return config;
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException(e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot prepare the master: " + e.getMessage(), e);
        }
    }

    @Override
    public void stop() {
        // the CA key and the admin token of a test master: gone with it
        try (Stream<Path> files = Files.walk(work)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot remove " + work + ": " + e.getMessage(), e);
        }
    }
}
