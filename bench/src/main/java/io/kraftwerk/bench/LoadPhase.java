package io.kraftwerk.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;

/**
 * One load phase: {@code concurrency} simulated agents, each on its own thread with its own HTTPS
 * connection (its own certificate, kept alive), sending requests back to back for a
 * warm-up and then a measured window. Counts only answers with the expected status; anything
 * else is an error and is reported.
 */
final class LoadPhase {
    /** Builds the next request of agent {@code agent}. */
    interface Requests {
        AgentConnection.Request next(int agent, long sequence);
    }

    /** What a phase measured. */
    record Result(String name, int concurrency, long ok, long errors, long shed, double seconds, long[] latenciesNanos,
                  String firstError, double serverCpuSeconds, double clientCpuSeconds) {
        double perSecond() {
            return ok / seconds;
        }

        double percentileMillis(double p) {
            if (latenciesNanos.length == 0) {
                return Double.NaN;
            }
            int index = (int) Math.ceil(p / 100.0 * latenciesNanos.length) - 1;
            return latenciesNanos[Math.max(0, Math.min(latenciesNanos.length - 1, index))] / 1e6;
        }

        String row(String server) {
            return String.format(Locale.ROOT, "| %s | %s | %d | %.1f | %.1f ms | %.1f ms | %.2f ms | %.2f ms | %d | %d |", server, name,
                    concurrency, perSecond(), percentileMillis(50), percentileMillis(99), 1000 * serverCpuSeconds / Math.max(1, ok),
                    1000 * clientCpuSeconds / Math.max(1, ok), errors, shed);
        }
    }

    private LoadPhase() {
    }

    /**
     * @param serverCpu the server process's CPU time so far, in seconds (user + system)
     */
    static Result run(String name, List<AgentConnection> clients, int concurrency, int expectedStatus, Requests requests,
                      Duration warmup, Duration measured, DoubleSupplier serverCpu) throws InterruptedException {
        long start = System.nanoTime();
        long measureFrom = start + warmup.toNanos();
        long end = measureFrom + measured.toNanos();
        AtomicLong ok = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicLong shed = new AtomicLong();
        String[] firstError = new String[1];
        List<long[]> perThread = new ArrayList<>();
        int[] counts = new int[concurrency];
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < concurrency; t++) {
            long[] samples = new long[1 << 16];
            perThread.add(samples);
            int agent = t;
            Thread thread = new Thread(() -> {
                AgentConnection client = clients.get(agent % clients.size());
                long[] mine = samples;
                long sequence = 0;
                while (true) {
                    long before = System.nanoTime();
                    if (before >= end) {
                        break;
                    }
                    int status;
                    try {
                        AgentConnection.Response r = client.exchange(requests.next(agent, sequence++));
                        status = r.status();
                        if (status != expectedStatus && firstError[0] == null) {
                            firstError[0] = status + " " + new String(r.body(), 0, Math.min(300, r.body().length));
                        }
                    } catch (Exception e) {
                        status = -1;
                        if (firstError[0] == null) {
                            firstError[0] = e.toString();
                        }
                    }
                    long after = System.nanoTime();
                    if (before < measureFrom || after > end) {
                        continue; // warm-up, or finished after the window closed
                    }
                    if (status == expectedStatus) {
                        ok.incrementAndGet();
                        int i = counts[agent]++;
                        if (i == mine.length) {
                            mine = Arrays.copyOf(mine, mine.length * 2);
                            perThread.set(agent, mine);
                        }
                        mine[i] = after - before;
                    } else if (status == 429) {
                        shed.incrementAndGet();
                    } else {
                        errors.incrementAndGet();
                    }
                }
            }, "agent-" + t);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
        // CPU used by the server and by this load generator within the measured window
        sleepUntil(measureFrom);
        double serverBefore = serverCpu.getAsDouble();
        long clientBefore = processCpuNanos();
        sleepUntil(end);
        double serverSeconds = serverCpu.getAsDouble() - serverBefore;
        double clientSeconds = (processCpuNanos() - clientBefore) / 1e9;
        for (Thread thread : threads) {
            thread.join();
        }
        int total = 0;
        for (int c : counts) {
            total += c;
        }
        long[] all = new long[total];
        int at = 0;
        for (int t = 0; t < concurrency; t++) {
            System.arraycopy(perThread.get(t), 0, all, at, counts[t]);
            at += counts[t];
        }
        Arrays.sort(all);
        return new Result(name, concurrency, ok.get(), errors.get(), shed.get(), measured.toNanos() / 1e9, all, firstError[0],
                serverSeconds, clientSeconds);
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            Thread.sleep(Math.max(1, left / 1_000_000));
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** CPU seconds (user + system) a process has used, from /proc/PID/stat. */
    static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // fields[11] and [12] are utime and stime (fields 14 and 15 of stat(5)), in clock ticks
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
