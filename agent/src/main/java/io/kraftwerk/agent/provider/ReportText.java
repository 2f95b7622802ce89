package io.kraftwerk.agent.provider;

import java.util.List;
import java.util.Map;

/**
 * What a command or a service printed, made fit for a report: the values of its sensitive env cut
 * (a program may print its own secrets), and only its last lines kept.
 */
public final class ReportText {
    private ReportText() {
    }

    /** {@code text} with every value of the {@code sensitive} names of {@code env} shown as secrets are. */
    public static String withoutSecrets(String text, Map<String, String> env, List<String> sensitive) {
        String out = text;
        for (String name : sensitive) {
            String value = env.get(name);
            if (value != null && !value.isEmpty()) {
                out = out.replace(value, Property.display(value, Property.Kind.SECRET));
            }
        }
        return out;
    }

    /** The last {@code count} lines of {@code text}, blank ends stripped. */
    public static String lastLines(String text, int count) {
        List<String> lines = text.strip().lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - count), lines.size()));
    }
}
