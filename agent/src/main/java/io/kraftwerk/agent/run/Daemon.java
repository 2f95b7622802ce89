package io.kraftwerk.agent.run;

import io.kraftwerk.agent.config.AgentConfig;
import io.kraftwerk.agent.engine.RunLock;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A run every interval, each in this node's slot ({@link Schedule}). SIGTERM lets a run in
 * progress finish, then stops.
 */
public final class Daemon {
    private final Host host;
    private final AgentConfig config;
    private final PullRun run;

    public Daemon(Host host, AgentConfig config, Settings settings) {
        this.host = host;
        this.config = config;
        this.run = new PullRun(host, config, settings);
    }

    /** Runs until the JVM is asked to stop. @return 0 */
    public int run(PrintStream out, PrintStream err) {
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
                + Schedule.offset(config.certname(), config.runInterval()) + " s into each interval");
        while (!stopping[0]) {
            Instant at = Schedule.next(host.clock().instant(), config.certname(), config.runInterval());
            try {
                Thread.sleep(Math.max(0, Duration.between(host.clock().instant(), at).toMillis()));
            } catch (InterruptedException e) {
                break;
            }
            running.lock();
            try {
                if (stopping[0]) {
                    break;
                }
                runOnce(out, err);
            } finally {
                running.unlock();
            }
        }
        return 0;
    }

    private void runOnce(PrintStream out, PrintStream err) {
        try (RunLock lock = run.lock()) {
            int status = run.once(out, err);
            out.println("kw-agent daemon: run finished with status " + status + "; next at "
                    + Schedule.next(host.clock().instant().plusSeconds(1), config.certname(), config.runInterval()));
        } catch (Exception e) {
            err.println("kw-agent daemon: the run failed: " + e.getMessage());
        }
        out.flush();
    }
}
