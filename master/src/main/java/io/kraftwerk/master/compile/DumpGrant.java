package io.kraftwerk.master.compile;

import java.util.List;

/**
 * One entry of site.yaml's {@code dump_access:}: the dumps of {@code app} made on nodes that
 * {@code from} names may be read by nodes that {@code to} names. The site.yaml that counts is that of
 * the environment the dumping node was in when it pushed the dump, at that branch's head: a branch
 * cannot grant itself another environment's data.
 *
 * @param app  the app, or {@code *} for every app
 * @param from names or globs of the nodes whose dumps
 * @param to   names or globs of the nodes that may read them
 */
public record DumpGrant(String app, List<NodeRule.NameMatcher> from, List<NodeRule.NameMatcher> to) {
    public static final String ANY_APP = "*";

    public DumpGrant {
        from = List.copyOf(from);
        to = List.copyOf(to);
    }

    /** Whether {@code reader} may read the dumps of {@code app} that {@code maker} made. */
    public boolean allows(String app, String maker, String reader) {
        return (this.app.equals(ANY_APP) || this.app.equals(app)) && from.stream().anyMatch(m -> m.matches(maker))
                && to.stream().anyMatch(m -> m.matches(reader));
    }
}
