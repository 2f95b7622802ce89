package io.kraftwerk.agent.cli;

import io.kraftwerk.agent.config.AgentConfig;
import io.kraftwerk.agent.run.Exit;
import io.kraftwerk.agent.run.Host;
import io.kraftwerk.agent.run.Schedule;
import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * {@code kw-agent schedule}: when this node's daemon runs next. The daemon (the launcher's small
 * scheduler, {@code kw-agent-daemon}) asks it before every sleep, so the slot arithmetic and the
 * reading of agent.yaml live here, in one place, and a changed run_interval applies from the next run.
 */
final class ScheduleCommand {
    private ScheduleCommand() {
    }

    static String usage() {
        return """
                Usage: kw-agent schedule [--config FILE] [--after EPOCH_SECONDS]

                Prints when this node's next daemon run is, as one line of fields:
                  next=1796667034 at=2026-12-07T18:30:34Z certname=web1.example.net interval=30m offset=1234
                (the time in seconds since the epoch and in UTC, the node, run_interval from agent.yaml, and the
                node's offset in seconds into each interval). --after names a slot not to give again (the daemon
                passes the slot it last ran, so that a run shorter than a second is not repeated in its slot).
                The daemon's run options (--service-timeout, --master-timeout) are accepted and checked.
                """;
    }

    static final Set<String> VALUES = Set.of("--config", "--after", "--service-timeout", "--master-timeout");

    /** Given by the daemon, so that what is wrong with its options is said in its name. */
    static final String FOR_DAEMON = "--for-daemon";

    static int run(List<String> argv, PrintStream out, PrintStream err) {
        AgentConfig config;
        Instant after;
        String me = argv.contains(FOR_DAEMON) ? "kw-agent daemon: " : "kw-agent schedule: ";
        try {
            Args args = Args.parse(argv, Set.of("--help", "-h", FOR_DAEMON), VALUES);
            if (args.help()) {
                out.print(usage());
                return 0;
            }
            if (!args.positional.isEmpty()) {
                throw new IllegalArgumentException("unexpected argument '" + args.positional.get(0) + "'");
            }
            args.settings(null, null); // the run options are the daemon's too: refuse a bad one before any run
            String given = args.value("--after", null);
            if (given != null && !given.matches("[0-9]{1,12}")) {
                throw new IllegalArgumentException("--after takes seconds since the epoch, not '" + given + "'");
            }
            after = given == null ? null : Instant.ofEpochSecond(Long.parseLong(given));
            config = AgentConfig.load(args.path("--config", AgentConfig.DEFAULT_FILE));
        } catch (IllegalArgumentException e) {
            err.println(me + e.getMessage());
            return KwAgent.EXIT_USAGE;
        } catch (AgentConfig.ConfigException e) {
            err.println(me + e.getMessage());
            return Exit.NOT_RUN;
        }
        Instant next = Schedule.nextAfter(Host.local().clock().instant(), after, config.certname(), config.runInterval());
        out.println("next=" + next.getEpochSecond() + " at=" + next + " certname=" + config.certname() + " interval="
                + AgentConfig.format(config.runInterval()) + " offset=" + Schedule.offset(config.certname(), config.runInterval()));
        return 0;
    }
}
