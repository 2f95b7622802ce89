package io.kraftwerk.agent.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunLockTest {
    @TempDir
    Path dir;

    @Test
    void aSecondRunWaitsThenNamesTheHolderAndAKilledHolderFreesTheLockAtOnce() throws Exception {
        Path file = dir.resolve("agent.lock");
        Process holder = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LockHolder.class.getName(), file.toString())).start();
        try {
            String line = new BufferedReader(new InputStreamReader(holder.getInputStream())).readLine();
            assertEquals("locked", line);

            long start = System.nanoTime();
            RunLock.BusyException busy = assertThrows(RunLock.BusyException.class,
                    () -> RunLock.acquire(file, Duration.ofMillis(500)));
            assertTrue(System.nanoTime() - start >= 500_000_000L, "it waited for the bound before giving up");
            assertEquals("another kw-agent run (pid " + holder.pid() + ") holds " + file
                    + "; gave up after 0.5 s (wait for it to finish, or raise --lock-timeout)", busy.getMessage());

            holder.destroyForcibly().waitFor();
            start = System.nanoTime();
            try (RunLock lock = RunLock.acquire(file, Duration.ofSeconds(30))) {
                assertTrue(System.nanoTime() - start < 5_000_000_000L, "a SIGKILLed holder leaves no stale lock");
            }
        } finally {
            holder.destroyForcibly();
        }
    }
}
