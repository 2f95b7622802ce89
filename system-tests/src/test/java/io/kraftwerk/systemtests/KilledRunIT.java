package io.kraftwerk.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftwerk.model.catalog.Catalog;
import io.kraftwerk.model.catalog.CatalogResource;
import io.kraftwerk.model.catalog.Edge;
import io.kraftwerk.model.catalog.EdgeKind;
import io.kraftwerk.model.catalog.Provenance;
import io.kraftwerk.model.json.ModelJson;
import io.kraftwerk.model.resource.DirectoryResource;
import io.kraftwerk.model.resource.FileResource;
import io.kraftwerk.testkit.DisposableNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** A run killed with SIGKILL halfway leaves no partial file and no stale lock; the next run converges. */
class KilledRunIT {
    private static final int FILES = 3000;

    @Test
    void aKilledRunLeavesOnlyWholeFilesAndTheNextRunConverges() throws Exception {
        try (DisposableNode node = DisposableNode.start(Repo.SCRATCH, "bulk1.example.net", Repo.ROOT)) {
            Catalog catalog = bulkCatalog();
            Files.write(node.path("/root/bulk.json"), ModelJson.writeBytes(catalog));
            Process run = node.spawn(List.of(Repo.agent(), "apply", "/root/bulk.json"));
            Path first = node.path("/srv/bulk/f0000.conf");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!Files.exists(first) && run.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(2); // polling for the condition, not waiting for time to pass
            }
            // the JVM is a descendant of nsenter (which forks to enter the PID namespace)
            List<ProcessHandle> jvms = run.toHandle().descendants()
                    .filter(h -> h.info().command().map(c -> c.endsWith("java")).orElse(false)).toList();
            assertEquals(1, jvms.size(), "the agent's JVM is running");
            jvms.get(0).destroyForcibly();
            run.waitFor(30, TimeUnit.SECONDS);

            int complete = 0;
            for (int i = 0; i < FILES; i++) {
                Path p = node.path(path(i));
                if (Files.exists(p)) {
                    assertEquals(content(i), Files.readString(p), path(i) + " is either absent or whole");
                    complete++;
                }
            }
            assertTrue(complete >= 1 && complete < FILES, "killed in the middle: " + complete + " of " + FILES + " files");

            AgentRun next = AgentRun.apply(node, catalog, "--lock-timeout", "5");
            assertEquals(2, next.exitCode(), next.output());
            for (int i = 0; i < FILES; i++) {
                assertEquals(content(i), Files.readString(node.path(path(i))));
            }
            try (Stream<Path> left = Files.list(node.path("/srv/bulk"))) {
                assertEquals(List.of(), left.filter(p -> p.getFileName().toString().startsWith(".kw-tmp.")).toList(),
                        "the next run removes what the killed one left");
            }
            assertEquals(0, AgentRun.apply(node, catalog).exitCode());
        }
    }

    private static Catalog bulkCatalog() {
        List<CatalogResource> resources = new ArrayList<>();
        List<Edge> edges = new ArrayList<>();
        Provenance where = new Provenance("roles/bulk.yaml", 1, 1, "bulk", null);
        resources.add(CatalogResource.of(new DirectoryResource("/srv/bulk", null, "root", "root", "0755", false), false,
                List.of(), where));
        for (int i = 0; i < FILES; i++) {
            FileResource f = new FileResource(path(i), null, content(i), "root", "root", "0644", false);
            resources.add(CatalogResource.of(f, false, List.of(), where));
            edges.add(new Edge("directory[/srv/bulk]", f.id().toString(), EdgeKind.ORDER, "implied: parent directory"));
        }
        return new Catalog(Catalog.FORMAT_VERSION, "bulk1.example.net", "production", "sha256:bulk", resources, edges);
    }

    private static String path(int i) {
        return String.format("/srv/bulk/f%04d.conf", i);
    }

    /** 16 KiB of text unique to each file, so a torn write cannot pass for a whole one. */
    private static String content(int i) {
        StringBuilder s = new StringBuilder();
        while (s.length() < 16 * 1024) {
            s.append("file ").append(i).append(" line ").append(s.length()).append('\n');
        }
        return new String(s.toString().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    }
}
