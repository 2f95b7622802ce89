package io.kraftwerk.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftwerk.agent.config.AgentConfig;
import io.kraftwerk.agent.run.Schedule;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kw-agent schedule: the line the daemon's scheduler reads before every sleep, and its errors. */
class ScheduleCommandTest {
    private static final String NODE = "db1.example.net";
    private static final Pattern LINE = Pattern.compile(
            "next=([0-9]+) at=(\\S+) certname=" + Pattern.quote(NODE) + " interval=([0-9]+[smh]) offset=([0-9]+)\n");

    @TempDir
    Path dir;

    private static CliAnswer kwAgent(String... args) {
        return CliAnswer.of(args);
    }

    private Path config(Duration interval) throws Exception {
        Path file = dir.resolve("agent.yaml");
        new AgentConfig(URI.create("https://master.example.net:8140"), NODE, null, interval, dir.resolve("state")).save(file);
        return file;
    }

    @Test
    void printsTheNextSlotAsFieldsTheSchedulerReads() throws Exception {
        Path config = config(Duration.ofMinutes(30));
        long before = Instant.now().getEpochSecond();
        CliAnswer a = kwAgent("schedule", "--config", config.toString());
        assertEquals(0, a.status(), a.err());
        Matcher m = LINE.matcher(a.out());
        assertTrue(m.matches(), a.out());
        long next = Long.parseLong(m.group(1));
        assertTrue(next >= before && next < before + 1800 + 1, "within one interval of now: " + next);
        assertEquals(Instant.ofEpochSecond(next).toString(), m.group(2));
        assertEquals("30m", m.group(3));
        assertEquals(Schedule.offset(NODE, Duration.ofMinutes(30)), Long.parseLong(m.group(4)));
        assertEquals(Long.parseLong(m.group(4)), Math.floorMod(next, 1800L), "the slot is the node's offset into the interval");

        // the daemon passes the slot it last ran: the next one is a whole interval later, never the same
        CliAnswer after = kwAgent("schedule", "--config", config.toString(), "--after", String.valueOf(next));
        Matcher later = LINE.matcher(after.out());
        assertTrue(later.matches(), after.out());
        assertEquals(next + 1800, Long.parseLong(later.group(1)));
    }

    @Test
    void aRunShorterThanASecondIsNotRepeatedInItsSlot() {
        Duration interval = Duration.ofSeconds(10);
        Instant slot = Schedule.next(Instant.parse("2026-12-07T18:00:00Z"), NODE, interval);
        Instant halfASecondLater = slot.plusMillis(500);
        assertEquals(slot, Schedule.next(halfASecondLater, NODE, interval), "next() alone would run the same slot again");
        assertEquals(slot.plus(interval), Schedule.nextAfter(halfASecondLater, slot, NODE, interval));
        assertEquals(slot, Schedule.nextAfter(halfASecondLater, null, NODE, interval), "the first run may take the slot now");
        // a run longer than the interval: the next slot from now, not a missed one
        assertEquals(slot.plus(interval.multipliedBy(3)),
                Schedule.nextAfter(slot.plus(interval.multipliedBy(2)).plusSeconds(1), slot, NODE, interval));
        // the clock stepped back an hour after a run (NTP correcting a clock in local time): the node runs in
        // the slots it comes to, not only an hour later
        assertEquals(slot.minus(Duration.ofHours(1)),
                Schedule.nextAfter(slot.minus(Duration.ofHours(1)).minusSeconds(3), slot, NODE, interval));
    }

    @Test
    void wrongWordsAndBadSettingsAreSaidInTheNameOfWhoeverAsked() throws Exception {
        Path config = config(Duration.ofMinutes(30));
        CliAnswer badAfter = kwAgent("schedule", "--config", config.toString(), "--after", "yesterday");
        assertEquals(KwAgent.EXIT_USAGE, badAfter.status());
        assertEquals("kw-agent schedule: --after takes seconds since the epoch, not 'yesterday'\n", badAfter.err());
        CliAnswer daemonOption = kwAgent("schedule", "--for-daemon", "--config", config.toString(), "--master-timeout", "1m");
        assertEquals(KwAgent.EXIT_USAGE, daemonOption.status());
        assertEquals("kw-agent daemon: --master-timeout takes a number of seconds, not '1m'\n", daemonOption.err());
        Path broken = Files.writeString(dir.resolve("broken.yaml"), "server: https://master.example.net:8140\nrun_interval: soon\n");
        CliAnswer unreadable = kwAgent("schedule", "--config", broken.toString());
        assertEquals(1, unreadable.status());
        assertTrue(unreadable.err().startsWith("kw-agent schedule: " + broken), unreadable.err());
        assertEquals("", unreadable.out(), "nothing the scheduler could mistake for a slot");
    }
}
