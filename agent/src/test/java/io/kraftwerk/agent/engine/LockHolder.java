package io.kraftwerk.agent.engine;

import java.nio.file.Path;
import java.time.Duration;

/** Run in a second JVM by {@link RunLockTest}: takes the lock, says so, and holds it until killed. */
public final class LockHolder {
    private LockHolder() {
    }

    public static void main(String[] args) throws Exception {
        RunLock lock = RunLock.acquire(Path.of(args[0]), Duration.ofSeconds(5));
        System.out.println("locked");
        System.out.flush();
        System.in.read(); // hold until the test kills this process
        lock.close();
    }
}
