package io.kraftwerk.master.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftwerk.master.store.entity.StoredNode;
import jakarta.enterprise.inject.Vetoed;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The batch of catalog sightings: written once, kept for the next batch when the database refuses it. */
class NodeSightingsTest {
    /** Sightings whose database write fails as long as {@code failing} is set; records what it wrote. */
    @Vetoed // not a bean of the in-process master DefaultDenyTest starts
    static final class Recording extends NodeSightings {
        boolean failing;
        Runnable duringWrite = () -> { };
        final List<Map<String, Sighting>> written = new ArrayList<>();

        Recording() {
            rows = new NodeRows() {
                @Override
                public void ensure(String certname) {
                    // no database here: every node has its row
                }
            };
        }

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
        assertEquals(",base,web,", sightings.written.get(0).get("web1.example.net").roles());
        assertNull(nodeWith(sightings, "web1.example.net").roles, "written, so no longer pending");
        sightings.flush();
        assertEquals(1, sightings.written.size(), "nothing left to write");
    }

    @Test
    void aSightingThatCameDuringAWriteStaysForTheNextFlush() {
        Recording sightings = new Recording();
        sightings.saw("web1.example.net", "{}", "production", List.of("base"), "c1");
        sightings.duringWrite = () -> sightings.saw("web1.example.net", "{}", "staging", List.of("base", "web"), "c2");
        sightings.flush();
        assertEquals("c1", sightings.written.get(0).get("web1.example.net").catalogVersion());
        sightings.duringWrite = () -> { };
        sightings.flush();
        assertEquals("c2", sightings.written.get(1).get("web1.example.net").catalogVersion(), "the newer one was kept");
    }

    @Test
    void aThousandNodesAreWrittenAHundredRowsATransaction() {
        Recording sightings = new Recording();
        for (int i = 0; i < 1000; i++) {
            sightings.saw(String.format("n%04d.example.net", i), "{}", "production", List.of("base"), "c1");
        }
        sightings.flush();
        assertEquals(10, sightings.written.size());
        assertTrue(sightings.written.stream().allMatch(chunk -> chunk.size() == NodeSightings.CHUNK));
    }

    @Test
    void whatTheNodeTableCannotHoldIsNotQueued() {
        Recording sightings = new Recording();
        sightings.saw("web1.example.net", "{}", "e".repeat(256), List.of("base"), "c1");
        sightings.flush();
        assertTrue(sightings.written.isEmpty());

        List<String> roles = new ArrayList<>(Collections.nCopies(200, "role-with-a-long-name"));
        sightings.saw("web1.example.net", "{}", "production", roles, "c1");
        String stored = nodeWith(sightings, "web1.example.net").roles;
        assertTrue(stored.length() <= StoredNode.ROLES_LENGTH, stored.length() + " characters");
        assertTrue(stored.startsWith(",role-with-a-long-name,") && stored.endsWith(","), stored);
    }

    @Test
    void anOlderSightingDoesNotOverwriteANewerRowOrReport() {
        Instant at = Instant.parse("2026-11-30T10:00:00Z");
        NodeSightings.Sighting sighting = new NodeSightings.Sighting("{\"a\":1}", "production", ",base,", "c1", at);
        StoredNode newerFacts = new StoredNode();
        newerFacts.factsAt = at.plusSeconds(5);
        newerFacts.catalogVersion = "c2";
        sighting.applyTo(newerFacts);
        assertEquals("c2", newerFacts.catalogVersion);

        StoredNode newerReport = new StoredNode();
        newerReport.lastReportAt = at.plusSeconds(5);
        newerReport.catalogVersion = "c2";
        newerReport.environment = "staging";
        sighting.applyTo(newerReport);
        assertEquals(",base,", newerReport.roles, "facts and roles are the sighting's");
        assertEquals("c2", newerReport.catalogVersion, "the newer report says which catalog the node is on");
        assertEquals("staging", newerReport.environment);
    }
}
