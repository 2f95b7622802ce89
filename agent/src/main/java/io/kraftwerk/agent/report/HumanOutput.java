package io.kraftwerk.agent.report;

import io.kraftwerk.agent.engine.RunListener;
import io.kraftwerk.model.report.Event;
import io.kraftwerk.model.report.LogLine;
import io.kraftwerk.model.report.Report;
import io.kraftwerk.model.report.ResourceReport;
import io.kraftwerk.model.report.ResourceStatus;
import io.kraftwerk.model.report.RunMode;
import java.io.PrintStream;
import java.util.Locale;

/**
 * What an operator reads: one line per resource that changed (or would, or failed), the unified
 * diff of changed file content, warnings, and a summary line. Colour only on a terminal.
 */
public final class HumanOutput implements RunListener {
    private static final String RESET = "\u001b[0m";
    private final PrintStream out;
    private final boolean colour;

    public HumanOutput(PrintStream out, boolean colour) {
        this.out = out;
        this.colour = colour;
    }

    /** Colour when standard output is a terminal that can show it. */
    public static boolean terminalHasColour() {
        String term = System.getenv("TERM");
        return System.console() != null && term != null && !term.equals("dumb") && System.getenv("NO_COLOR") == null;
    }

    @Override
    public void resourceDone(ResourceReport r) {
        if (r.status() == ResourceStatus.IN_SYNC) {
            return;
        }
        String label = switch (r.status()) {
            case CHANGED -> paint("32", "changed     ");
            case PENDING -> paint("33", "would change");
            case FAILED -> paint("31", "FAILED      ");
            case SKIPPED -> paint("33", "skipped     ");
            case AUDIT -> paint("36", "audit drift ");
            case IN_SYNC -> "";
        };
        if (r.events().isEmpty()) {
            out.println(label + " " + r.id() + ": " + r.message());
            return;
        }
        for (Event e : r.events()) {
            StringBuilder line = new StringBuilder(label).append(' ').append(r.id()).append(": ");
            if (e.property().equals("refresh")) {
                line.append(e.message());
            } else {
                line.append(e.property()).append(' ').append(e.previous() == null ? "absent" : "'" + e.previous() + "'")
                        .append(" -> '").append(e.desired()).append('\'');
                if (e.corrective()) {
                    line.append(paint("35", " (drift: changed behind Kraftwerk's back)"));
                }
                if (r.status() == ResourceStatus.FAILED) {
                    line.append(": ").append(e.message());
                }
            }
            out.println(line);
            if (e.diff() != null) {
                e.diff().lines().forEach(d -> out.println("    " + colourDiff(d)));
            }
        }
        if (r.status() == ResourceStatus.FAILED && !r.message().isEmpty() && r.events().stream().noneMatch(e -> e.message().equals(r.message()))) {
            out.println("             " + r.message());
        }
        if (r.idempotencySuspect()) {
            out.println(paint("35", "             needed a corrective change on several runs in a row: "
                    + "another tool or a bug keeps changing it back"));
        }
    }

    /** Warnings as they happen; errors about a resource appear on its own line, so only the agent's own. */
    public void warning(LogLine line) {
        if (line.level() == LogLine.Level.WARNING || (line.level() == LogLine.Level.ERROR && !line.source().contains("["))) {
            out.println(paint(line.level() == LogLine.Level.ERROR ? "31" : "33",
                    line.level().name().toLowerCase(Locale.ROOT)) + ": " + line.source() + ": " + line.message());
        }
    }

    public void summary(Report report) {
        var m = report.metrics().resources();
        StringBuilder s = new StringBuilder(report.mode() == RunMode.NOOP ? "Noop: " : "Applied: ");
        s.append(report.metrics().totalResources()).append(" resources");
        append(s, m.get("changed"), "changed");
        append(s, m.get("pending"), "pending");
        append(s, m.get("failed"), "failed");
        append(s, m.get("skipped"), "skipped");
        append(s, m.get("audit"), "audit drift");
        append(s, m.get("in_sync"), "in sync");
        long corrective = report.resources().stream().flatMap(r -> r.events().stream()).filter(Event::corrective).count();
        if (corrective > 0) {
            s.append("; ").append(corrective).append(report.mode() == RunMode.NOOP ? " drifted" : " corrective");
        }
        s.append(" in ").append(String.format(Locale.ROOT, "%.2f", report.durationMillis() / 1000.0)).append(" s");
        s.append(" (catalog ").append(shortVersion(report.catalogVersion())).append(", ").append(report.environment()).append(')');
        out.println(s);
        out.flush();
    }

    private static void append(StringBuilder s, Integer count, String what) {
        if (count != null && count > 0) {
            s.append(", ").append(count).append(' ').append(what);
        }
    }

    private static String shortVersion(String version) {
        return version.startsWith("sha256:") ? version.substring(0, Math.min(19, version.length()))
                : version.substring(0, Math.min(12, version.length()));
    }

    private String colourDiff(String line) {
        if (line.startsWith("+") && !line.startsWith("+++")) {
            return paint("32", line);
        }
        if (line.startsWith("-") && !line.startsWith("---")) {
            return paint("31", line);
        }
        return line;
    }

    private String paint(String code, String text) {
        return colour ? "\u001b[" + code + "m" + text + RESET : text;
    }
}
