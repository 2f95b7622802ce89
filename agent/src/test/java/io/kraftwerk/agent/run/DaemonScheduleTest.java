package io.kraftwerk.agent.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The daemon's splay: every node its own stable slot, a fleet spread evenly over the interval. */
class DaemonScheduleTest {
    private static final Duration INTERVAL = Duration.ofMinutes(30);

    @Test
    void aFleetSpreadsEvenlyOverTheInterval() {
        int nodes = 3000;
        int buckets = 10;
        int[] counts = new int[buckets];
        for (int i = 0; i < nodes; i++) {
            long offset = Schedule.offset("web" + i + ".example.net", INTERVAL);
            assertTrue(offset >= 0 && offset < INTERVAL.toSeconds(), "offset " + offset);
            counts[(int) (offset * buckets / INTERVAL.toSeconds())]++;
        }
        // 300 expected per three-minute bucket; a wave would put hundreds more in one
        for (int count : counts) {
            assertTrue(count > 240 && count < 360, Arrays.toString(counts));
        }
    }

    @Test
    void aNodeKeepsItsSlotAcrossRestarts() {
        assertEquals(Schedule.offset("db1.example.net", INTERVAL), Schedule.offset("db1.example.net", INTERVAL));
        Instant now = Instant.parse("2026-11-22T10:07:13Z");
        Instant next = Schedule.next(now, "db1.example.net", INTERVAL);
        assertTrue(!next.isBefore(now) && next.isBefore(now.plus(INTERVAL)), next.toString());
        assertEquals(Schedule.offset("db1.example.net", INTERVAL), Math.floorMod(next.getEpochSecond(), INTERVAL.toSeconds()));
        // asked again a second after its run, the node's next run is one interval later
        assertEquals(next.plus(INTERVAL), Schedule.next(next.plusSeconds(1), "db1.example.net", INTERVAL));
        assertEquals(next, Schedule.next(next, "db1.example.net", INTERVAL));
    }
}
