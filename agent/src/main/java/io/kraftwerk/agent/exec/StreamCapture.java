package io.kraftwerk.agent.exec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One output stream of a process, read by a daemon thread of its own into a buffer that can be
 * taken at any time: a stream a process left running holds open (a daemon the command started)
 * neither blocks whoever waits for the output nor keeps the agent alive. At most {@code limit}
 * bytes are kept; past that, {@code onOverflow} runs (stop the program), or without one the rest is
 * read and dropped, so the program never blocks on a full pipe.
 */
public final class StreamCapture implements Runnable {
    private final InputStream in;
    private final long limit;
    private final Runnable onOverflow;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile boolean overflowed;

    private StreamCapture(InputStream in, long limit, Runnable onOverflow) {
        this.in = in;
        this.limit = limit;
        this.onOverflow = onOverflow;
    }

    /** Starts reading {@code in} on a daemon thread called {@code name}. */
    public static StreamCapture start(InputStream in, long limit, Runnable onOverflow, String name) {
        StreamCapture capture = new StreamCapture(in, limit, onOverflow);
        Thread thread = new Thread(capture, name);
        thread.setDaemon(true);
        thread.start();
        return capture;
    }

    @Override
    public void run() {
        byte[] buffer = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                long room = limit - kept.size();
                synchronized (kept) {
                    kept.write(buffer, 0, (int) Math.min(n, Math.max(room, 0)));
                }
                if (n > room && onOverflow != null) {
                    overflowed = true;
                    onOverflow.run();
                    return;
                }
            }
        } catch (IOException e) {
            // the program is gone, or close() gave up on it: what was read is all there is
        } finally {
            done.countDown();
        }
    }

    public boolean overflowed() {
        return overflowed;
    }

    /** Waits up to {@code wait} for the end of the stream; false if it is still open. */
    public boolean await(Duration wait) throws InterruptedException {
        return done.await(wait.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Gives up on the stream: the reading thread sees it closed. */
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            // nothing more to read either way
        }
    }

    public String text() {
        synchronized (kept) {
            return kept.toString(StandardCharsets.UTF_8);
        }
    }
}
