package io.kraftwerk.master.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.kraftwerk.master.store.entity.StoredNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The batch of catalog sightings: written once, kept for the next batch when the database refuses it. */
class NodeSightingsTest {
    /** Sightings whose database write fails as long as {@code failing} is set; records what it wrote. */
    static final class Recording extends NodeSightings {
        boolean failing;
        Runnable duringWrite = () -> { };
        final List<Map<String, Sighting>> written = new ArrayList<>();

        @Override
        void write(Map<String, Sighting> batch) {
            duringWrite.run();
            if (failing) {
                throw new IllegalStateException("the database is away");
            }
            written.add(Map.copyOf(batch));
        }
    }

    private static StoredNode nodeWith(NodeSightings sightings, String certname) {
        StoredNode node = new StoredNode();
        node.certname = certname;
        sightings.applyPending(certname, node);
        return node;
    }

    @Test
    void aBatchTheDatabaseRefusedIsWrittenByTheNextFlush() {
        Recording sightings = new Recording();
        sightings.saw("web1.example.net", "{}", "production", List.of("base", "web"), "c1");
        sightings.failing = true;
        sightings.flush();
        assertEquals(",base,web,", nodeWith(sightings, "web1.example.net").roles, "still pending after the failure");

        sightings.failing = false;
        sightings.flush();
        assertEquals(1, sightings.written.size());
        assertEquals(List.of("base", "web"), sightings.written.get(0).get("web1.example.net").roles());
        assertNull(nodeWith(sightings, "web1.example.net").roles, "written, so no longer pending");
        sightings.flush();
        assertEquals(1, sightings.written.size(), "nothing left to write");
    }

    @Test
    void aSightingThatCameDuringARefusedWriteWinsOverTheRefusedBatch() {
        Recording sightings = new Recording();
        sightings.saw("web1.example.net", "{}", "production", List.of("base"), "c1");
        sightings.failing = true;
        sightings.duringWrite = () -> sightings.saw("web1.example.net", "{}", "staging", List.of("base", "web"), "c2");
        sightings.flush();
        sightings.duringWrite = () -> { };
        sightings.failing = false;
        sightings.flush();
        assertEquals("c2", sightings.written.get(0).get("web1.example.net").catalogVersion());
    }

    @Test
    void anOlderSightingDoesNotOverwriteANewerRow() {
        NodeSightings.Sighting older = new NodeSightings.Sighting("{\"a\":1}", "production", List.of("base"), "c1",
                java.time.Instant.parse("2026-11-30T10:00:00Z"));
        StoredNode node = new StoredNode();
        node.factsAt = java.time.Instant.parse("2026-11-30T10:00:05Z");
        node.catalogVersion = "c2";
        older.applyTo(node);
        assertEquals("c2", node.catalogVersion);
    }
}
