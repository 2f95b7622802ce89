package io.kraftwerk.agent.cli;

import io.kraftwerk.agent.config.AgentConfig;
import io.kraftwerk.agent.engine.RunLock;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@code kw-agent daemon}: a run every interval. Each node runs at its own offset within the
 * interval, derived from its certname, so a fleet spreads evenly over the interval instead of
 * arriving in waves — and keeps its slot across restarts. SIGTERM lets a run in progress finish.
 */
final class DaemonCommand {
    private DaemonCommand() {
    }

    static String usage() {
        return """
                Usage: kw-agent daemon [--config FILE] [--service-timeout S] [--master-timeout S]

                Runs 'kw-agent run' every run_interval (agent.yaml, default 30m), each node at its own offset
                within the interval (derived from its certname). Stops after the current run on SIGTERM.
                """;
    }

    /** Seconds into each interval at which this certname runs: a stable, evenly spread hash. */
    static long offset(String certname, Duration interval) {
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
    static Instant next(Instant now, String certname, Duration interval) {
        long period = Math.max(1, interval.toSeconds());
        long offset = offset(certname, interval);
        long t = now.getEpochSecond();
        long slot = t - Math.floorMod(t - offset, period);
        return Instant.ofEpochSecond(slot < t ? slot + period : slot);
    }

    static int run(List<String> argv, PrintStream out, PrintStream err) {
        Args args;
        AgentConfig config;
        try {
            args = Args.parse(argv, Set.of("--help", "-h"), Set.of("--config", "--service-timeout", "--master-timeout"));
            if (args.flag("--help") || args.flag("-h")) {
                out.print(usage());
                return 0;
            }
            config = AgentConfig.load(args.path("--config", AgentConfig.DEFAULT_FILE));
        } catch (IllegalArgumentException e) {
            err.println("kw-agent daemon: " + e.getMessage());
            return KwAgent.EXIT_USAGE;
        } catch (AgentConfig.ConfigException e) {
            err.println("kw-agent daemon: " + e.getMessage());
            return ApplyCommand.EXIT_NOT_RUN;
        }
        RunCommand.Settings settings = RunCommand.settings(args, config);
        ReentrantLock running = new ReentrantLock();
        Thread main = Thread.currentThread();
        boolean[] stopping = {false};
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping[0] = true;
            if (!running.isLocked()) {
                main.interrupt();
            }
            running.lock(); // let a run in progress finish
            out.println("kw-agent daemon: stopped");
            out.flush();
        }, "kw-agent-stop"));
        out.println("kw-agent daemon: " + config.certname() + " runs every " + AgentConfig.format(config.runInterval()) + " at "
                + offset(config.certname(), config.runInterval()) + " s into each interval");
        Clock clock = Clock.systemUTC();
        while (!stopping[0]) {
            Instant at = next(clock.instant(), config.certname(), config.runInterval());
            try {
                Thread.sleep(Math.max(0, Duration.between(clock.instant(), at).toMillis()));
            } catch (InterruptedException e) {
                break;
            }
            running.lock();
            try {
                if (stopping[0]) {
                    break;
                }
                try (RunLock lock = RunLock.acquire(new AgentPaths(config.stateDir()).lock(), settings.lockTimeout())) {
                    int status = RunCommand.once(config, settings, out, err);
                    out.println("kw-agent daemon: run finished with status " + status + "; next at "
                            + next(clock.instant().plusSeconds(1), config.certname(), config.runInterval()));
                } catch (Exception e) {
                    err.println("kw-agent daemon: the run failed: " + e.getMessage());
                }
                out.flush();
            } finally {
                running.unlock();
            }
        }
        return 0;
    }
}
