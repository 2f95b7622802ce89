package io.kraftwerk.agent.run;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
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
        } catch (java.security.NoSuchAlgorithmException e) {
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
}
