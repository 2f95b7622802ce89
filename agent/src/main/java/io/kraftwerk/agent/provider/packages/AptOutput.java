package io.kraftwerk.agent.provider.packages;

import io.kraftwerk.agent.exec.CommandResult;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What apt-get's output says about the node rather than about a package: that it waited for the
 * dpkg lock (and who held it), or that an earlier dpkg run was interrupted.
 */
final class AptOutput {
    /** apt prints this about once a second while it waits for the lock (apt 1.9.11 and later). */
    private static final Pattern WAITING = Pattern.compile("Waiting for cache lock: .*?(?:held by process (\\d+) \\(([^)]*)\\))?\\.*$",
            Pattern.MULTILINE);
    private static final Pattern LOCK_FAILED = Pattern.compile("Could not get lock|Unable to acquire the dpkg frontend lock"
            + "|Unable to lock the administration directory");

    private AptOutput() {
    }

    /**
     * A wait for the dpkg lock.
     *
     * @param seconds about how long apt waited (it says so once a second)
     * @param holder  the process that held the lock, as apt names it ("process 812 (unattended-upgr)"), or null
     * @param gaveUp  whether apt gave up waiting
     */
    record LockWait(long seconds, String holder, boolean gaveUp) {
        String waited() {
            return "waited about " + seconds + " s for the dpkg lock" + (holder == null ? "" : ", held by " + holder);
        }

        String failure(Duration timeout) {
            return "the dpkg lock was held" + (holder == null ? "" : " by " + holder) + " for all of the " + timeout.toSeconds()
                    + " s the agent waits (dpkg_lock_timeout in agent.yaml); nothing was installed or removed, and the next run"
                    + " tries again";
        }
    }

    /** The wait for the lock this run of apt-get made, or null when it did not wait. */
    static LockWait lockWait(CommandResult result) {
        String output = result.stdout() + "\n" + result.stderr();
        Matcher m = WAITING.matcher(output);
        long lines = 0;
        String holder = null;
        while (m.find()) {
            lines++;
            if (m.group(1) != null) {
                holder = "process " + m.group(1) + " (" + m.group(2) + ")";
            }
        }
        // only after waiting: a lock apt does not wait for (an older apt, the archives lock) is apt's own error
        boolean gaveUp = lines > 0 && !result.succeeded() && LOCK_FAILED.matcher(result.stderr()).find();
        if (lines == 0 && !gaveUp) {
            return null;
        }
        return new LockWait(lines, holder, gaveUp);
    }

    /** Whether apt refused to work because a dpkg run was interrupted ("you must manually run 'dpkg --configure -a'"). */
    static boolean interrupted(CommandResult result) {
        return (result.stdout() + result.stderr()).contains("dpkg --configure -a");
    }
}
