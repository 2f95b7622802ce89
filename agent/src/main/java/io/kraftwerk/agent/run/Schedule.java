package io.kraftwerk.agent.run;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;

/**
 * The daemon's slots: each node runs at its own offset within the interval, derived from its
 * certname, so a fleet spreads evenly over the interval instead of arriving in waves, and a node
 * keeps its slot across restarts.
 */
public final class Schedule {
    private Schedule() {
    }

    /** Seconds into each interval at which this certname runs: a stable, evenly spread hash. */
    public static long offset(String certname, Duration interval) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(certname.getBytes(StandardCharsets.UTF_8));
            long h = 0;
            for (int i = 0; i < 8; i++) {
                h = (h << 8) | (d[i] & 0xff);
            }
            return Math.floorMod(h, Math.max(1, interval.toSeconds()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The first run time at or after {@code now} in this node's slot. */
    public static Instant next(Instant now, String certname, Duration interval) {
        long period = Math.max(1, interval.toSeconds());
        long offset = offset(certname, interval);
        long t = now.getEpochSecond();
        long slot = t - Math.floorMod(t - offset, period);
        return Instant.ofEpochSecond(slot < t ? slot + period : slot);
    }

    /**
     * The first run time at or after {@code now}, but not {@code last} again: a run shorter than a
     * second must not start again in the slot it just ran in. (Only that slot: after the clock is
     * stepped back, the node runs in the slots it comes to, not after the one it ran last.)
     */
    public static Instant nextAfter(Instant now, Instant last, String certname, Duration interval) {
        Instant next = next(now, certname, interval);
        return next.equals(last) ? next(last.plusSeconds(1), certname, interval) : next;
    }
}
