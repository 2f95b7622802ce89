package io.kraftwerk.master.compile;

import io.kraftwerk.master.manifest.Diagnostics;
import io.kraftwerk.master.manifest.Fields;
import io.kraftwerk.master.manifest.Location;
import io.kraftwerk.master.manifest.YMap;
import io.kraftwerk.master.manifest.YNode;
import io.kraftwerk.master.manifest.YScalar;
import io.kraftwerk.model.validation.Tag;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The attributes every declaration may carry besides its own: relationships, {@code audit} and
 * {@code tags}.
 *
 * @param require   resources applied before this one
 * @param before    resources applied after this one
 * @param notifies  resources applied after this one and refreshed when it changes
 * @param subscribe resources applied before this one; it is refreshed when they change
 * @param audit     report drift, never change
 * @param tags      labels, sorted
 */
record Meta(List<Ref> require, List<Ref> before, List<Ref> notifies, List<Ref> subscribe, boolean audit, List<String> tags) {
    static final List<String> KEYS = List.of("require", "before", "notify", "subscribe", "audit", "tags");
    private static final Pattern TAG = Pattern.compile(Tag.REGEXP);

    /** A reference such as {@code package[nginx]}, where it was written. */
    record Ref(String text, Location location) {
    }

    static Meta none() {
        return new Meta(List.of(), List.of(), List.of(), List.of(), false, List.of());
    }

    static Meta read(YMap attributes, String owner, Diagnostics diagnostics) {
        Fields fields = new Fields(diagnostics);
        boolean audit = false;
        Optional<YNode> auditNode = attributes.get("audit");
        if (auditNode.isPresent()) {
            if (auditNode.get() instanceof YScalar s && (s.text().equals("true") || s.text().equals("false"))) {
                audit = Boolean.parseBoolean(s.text());
            } else if (!(auditNode.get() instanceof YScalar s && s.isFailed())) {
                diagnostics.error(auditNode.get().location(), owner + ": 'audit' must be true or false, not "
                        + auditNode.get().describe(), null);
            }
        }
        TreeSet<String> tags = new TreeSet<>();
        for (YScalar tag : fields.stringList(attributes, "tags")) {
            if (TAG.matcher(tag.text()).matches()) {
                tags.add(tag.text());
            } else if (!tag.isFailed()) {
                diagnostics.error(tag.location(), owner + ": invalid tag '" + tag.text() + "'",
                        "tags use lowercase letters, digits, '_', '.', ':' or '-'");
            }
        }
        return new Meta(refs(fields, attributes, "require"), refs(fields, attributes, "before"),
                refs(fields, attributes, "notify"), refs(fields, attributes, "subscribe"), audit, List.copyOf(tags));
    }

    private static List<Ref> refs(Fields fields, YMap attributes, String key) {
        List<Ref> refs = new ArrayList<>();
        fields.stringList(attributes, key).stream().filter(s -> !s.isFailed())
                .forEach(s -> refs.add(new Ref(s.text(), s.location())));
        return List.copyOf(refs);
    }

    /** Both declarations' relationships and tags; audit if either audits. */
    Meta union(Meta other) {
        TreeSet<String> allTags = new TreeSet<>(tags);
        allTags.addAll(other.tags);
        return new Meta(concat(require, other.require), concat(before, other.before), concat(notifies, other.notifies),
                concat(subscribe, other.subscribe), audit || other.audit, List.copyOf(allTags));
    }

    private static List<Ref> concat(List<Ref> a, List<Ref> b) {
        List<Ref> out = new ArrayList<>(a);
        out.addAll(b);
        return List.copyOf(out);
    }
}
