package io.kraftwerk.agent.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * One run at a time per node: an fcntl lock on {@code STATE/agent.lock}, which holds the runner's
 * PID. The kernel drops the lock when its process dies, even by SIGKILL, so it can never go stale.
 */
public final class RunLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Thrown when another run held the lock for the whole wait. */
    public static final class BusyException extends Exception {
        public BusyException(String message) {
            super(message);
        }
    }

    public static RunLock acquire(Path file, Duration wait) throws IOException, BusyException, InterruptedException {
        Files.createDirectories(file.getParent());
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            FileLock lock = channel.tryLock();
            if (lock != null) {
                channel.truncate(0);
                channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
                channel.force(false);
                return new RunLock(channel, lock);
            }
            if (System.nanoTime() > deadline) {
                String holder = Files.readString(file).strip();
                channel.close();
                throw new BusyException("another kw-agent run (pid " + (holder.isEmpty() ? "unknown" : holder)
                        + ") holds " + file + "; gave up after " + seconds(wait) + " s (wait for it to finish,"
                        + " or raise --lock-timeout)");
            }
            Thread.sleep(100);
        }
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? String.valueOf(d.toSeconds()) : String.format("%.1f", d.toMillis() / 1000.0);
    }

    @Override
    public void close() throws IOException {
        lock.release();
        channel.close();
    }
}
