package io.kraftwerk.agent.engine;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.Patch;
import io.kraftwerk.agent.provider.Change;
import io.kraftwerk.agent.provider.Property;
import io.kraftwerk.agent.state.ResourceState;
import io.kraftwerk.model.report.Event;
import io.kraftwerk.model.report.EventStatus;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns changes into report events: values shown as their kind allows, a unified diff for
 * content, and the corrective flag from the last known state.
 */
final class Events {
    /** Diffs longer than this are cut, so one rewritten file cannot bloat a report. */
    static final int MAX_DIFF_LINES = 400;

    private Events() {
    }

    /**
     * A change is corrective when the catalog asks for what the system held after the last run (the
     * agent knew it) and the system no longer holds it: someone changed it behind the agent's back.
     * When the catalog asks for something new, the change is the catalog's, whatever the system
     * holds meanwhile — Puppet's definition too, and the only one that holds for a value the agent
     * can tell apart from the catalog's but not name (a password the server keeps as a verifier).
     * Without a known value the change is the catalog's.
     */
    static boolean corrective(Change c, ResourceState known) {
        if (known == null) {
            return false;
        }
        String last = known.properties().get(c.property());
        return last != null && !last.equals(Property.fingerprint(c.previous(), c.kind()))
                && last.equals(Property.fingerprint(c.desired(), c.kind()));
    }

    /** One event per planned change, all with the same status and message. */
    static List<Event> of(ResourcePlan plan, EventStatus status, String message, ResourceState known) {
        List<Event> events = new ArrayList<>(plan.changes().size());
        for (Change c : plan.changes()) {
            events.add(event(plan.id(), c, status, message, corrective(c, known)));
        }
        return events;
    }

    static Event event(String id, Change c, EventStatus status, String message, boolean corrective) {
        return new Event(c.property(), Property.display(c.previous(), c.kind()), Property.display(c.desired(), c.kind()),
                status, message, corrective, c.kind() == Property.Kind.CONTENT ? diff(id, c.previous(), c.desired()) : null);
    }

    static String describe(Change c) {
        String from = Property.display(c.previous(), c.kind());
        return c.property() + " " + (from == null ? "absent" : "'" + from + "'") + " -> '"
                + Property.display(c.desired(), c.kind()) + "'";
    }

    static String diff(String id, String previous, String desired) {
        List<String> before = previous == null ? List.of() : lines(previous);
        List<String> after = desired == null ? List.of() : lines(desired);
        Patch<String> patch = DiffUtils.diff(before, after);
        List<String> unified = UnifiedDiffUtils.generateUnifiedDiff(id + " (current)", id + " (desired)", before, patch, 3);
        if (unified.size() > MAX_DIFF_LINES) {
            List<String> cut = new ArrayList<>(unified.subList(0, MAX_DIFF_LINES));
            cut.add("... (" + (unified.size() - MAX_DIFF_LINES) + " more lines)");
            unified = cut;
        }
        return String.join("\n", unified) + "\n";
    }

    private static List<String> lines(String text) {
        return Arrays.asList(text.split("\n", -1));
    }
}
