package io.kraftwerk.agent.cli;

import io.kraftwerk.agent.client.MasterClient;
import io.kraftwerk.agent.run.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one parser of the agent's command lines: flags, options with a value, positional arguments.
 * Each command says which words it takes; the rules are the same for all. An unknown option or a
 * missing value is an error; a later value of an option wins; seconds are plain digits (at most
 * seven); paths are made absolute, except {@code -} for standard output; {@code --help} is
 * answered once every word is known, before positional arguments are checked.
 */
final class Args {
    /** The flags of run, apply and the short forms. */
    static final Set<String> RUN_FLAGS = Set.of("--noop", "-n", "--retry-failed", "--help", "-h");
    static final Set<String> HELP = Set.of("--help", "-h");

    final List<String> positional = new ArrayList<>();
    private final Map<String, List<String>> values = new HashMap<>();
    private final Set<String> flags = new HashSet<>();

    static Args parse(List<String> args, Set<String> flagNames, Set<String> valueNames) {
        Args out = new Args();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (flagNames.contains(a)) {
                out.flags.add(a);
            } else if (valueNames.contains(a)) {
                if (i + 1 >= args.size()) {
                    throw new IllegalArgumentException(a + " needs a value");
                }
                out.values.computeIfAbsent(a, k -> new ArrayList<>()).add(args.get(++i));
            } else if (a.startsWith("-") && !a.equals("-")) {
                throw new IllegalArgumentException("unknown option '" + a + "'");
            } else {
                out.positional.add(a);
            }
        }
        return out;
    }

    boolean flag(String name) {
        return flags.contains(name);
    }

    boolean help() {
        return flag("--help") || flag("-h");
    }

    /** The last value given for the option (a later one wins), or the fallback. */
    String value(String name, String fallback) {
        List<String> given = values.get(name);
        return given == null ? fallback : given.get(given.size() - 1);
    }

    /** Every value given for a repeatable option, in order. */
    List<String> values(String name) {
        return values.getOrDefault(name, List.of());
    }

    String required(String name) {
        String v = value(name, null);
        if (v == null) {
            throw new IllegalArgumentException("missing " + name);
        }
        return v;
    }

    Path path(String name, Path fallback) {
        return values.containsKey(name) ? Path.of(value(name, null)).toAbsolutePath() : fallback;
    }

    /** A file to write, {@link Settings#STANDARD_OUTPUT} for {@code -}, or null when not given. */
    Path output(String name) {
        return "-".equals(value(name, null)) ? Settings.STANDARD_OUTPUT : path(name, null);
    }

    Duration seconds(String name, Duration fallback) {
        String v = value(name, null);
        if (v == null) {
            return fallback;
        }
        if (!v.matches("[0-9]{1,7}")) {
            throw new IllegalArgumentException(name + " takes a number of seconds, not '" + v + "'");
        }
        return Duration.ofSeconds(Long.parseLong(v));
    }

    /**
     * The settings of run, apply and daemon; what a command does not take is at its default.
     *
     * @param environment     the environment when {@code --environment} is not given (agent.yaml's)
     * @param dpkgLockTimeout the dpkg lock timeout when {@code --dpkg-lock-timeout} is not given
     */
    Settings settings(String environment, Duration dpkgLockTimeout) {
        return new Settings(flag("--noop") || flag("-n"), value("--environment", environment), output("--json"),
                seconds("--lock-timeout", Settings.LOCK_TIMEOUT), seconds("--service-timeout", Settings.SERVICE_TIMEOUT),
                seconds("--master-timeout", Settings.MASTER_TIMEOUT), seconds("--dpkg-lock-timeout", dpkgLockTimeout),
                MasterClient.Retry.standard(), flag("--retry-failed"));
    }
}
