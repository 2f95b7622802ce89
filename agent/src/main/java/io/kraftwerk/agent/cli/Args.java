package io.kraftwerk.agent.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Options of the agent's commands: flags, options with a value, positional arguments. */
final class Args {
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
}
