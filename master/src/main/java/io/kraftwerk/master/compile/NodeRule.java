package io.kraftwerk.master.compile;

import io.kraftwerk.master.manifest.Location;
import io.kraftwerk.master.manifest.YMap;
import io.kraftwerk.master.manifest.YScalar;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One classification rule of {@code site.yaml}: which nodes it matches and what it gives them.
 *
 * @param name              how the node name is matched; null when only facts are matched
 * @param facts             fact conditions (on what the agent reports), all of which must hold
 * @param trusted           trusted-fact conditions (on the node's certificate), all of which must hold
 * @param roles             roles given to matching nodes, in order
 * @param environment       the environment of matching nodes, or null
 * @param allowEnvironments other environments a matching node's agent may ask for
 * @param data              per-node data for matching nodes, or null
 * @param location          where the rule starts
 */
record NodeRule(NameMatcher name, List<FactCondition> facts, List<TrustedCondition> trusted, List<YScalar> roles,
                YScalar environment, List<String> allowEnvironments, YMap data, Location location) {

    boolean matches(String node, Facts nodeFacts, Map<String, String> trustedFacts) {
        return (name == null || name.matches(node)) && facts.stream().allMatch(f -> f.holds(nodeFacts))
                && trusted.stream().allMatch(t -> t.holds(trustedFacts));
    }

    /** Whether only what the agent says about its node decides this rule: nothing the node cannot forge. */
    boolean matchesOnlyAgentFacts() {
        return name == null && trusted.isEmpty() && !facts.isEmpty();
    }

    /** How a rule picks nodes by name. */
    sealed interface NameMatcher {
        boolean matches(String node);

        /** Exactly this certname; such nodes are "declared" and {@code lint} compiles them. */
        record Exact(String name) implements NameMatcher {
            @Override
            public boolean matches(String node) {
                return name.equals(node);
            }
        }

        /** Shell-like: {@code *} is any run of characters within a DNS label, {@code ?} one character. */
        record Glob(String glob, Pattern pattern) implements NameMatcher {
            static Glob of(String glob) {
                StringBuilder regex = new StringBuilder();
                for (char c : glob.toCharArray()) {
                    switch (c) {
                        case '*' -> regex.append("[^.]*");
                        case '?' -> regex.append("[^.]");
                        default -> regex.append(Pattern.quote(String.valueOf(c)));
                    }
                }
                return new Glob(glob, Pattern.compile(regex.toString()));
            }

            @Override
            public boolean matches(String node) {
                return pattern.matcher(node).matches();
            }
        }

        /** A Java regular expression that must match the whole name. */
        record Regex(Pattern pattern) implements NameMatcher {
            @Override
            public boolean matches(String node) {
                return pattern.matcher(node).matches();
            }
        }
    }

    /**
     * A fact that must have one of the given values.
     *
     * @param path   dotted fact path, e.g. {@code os.codename}
     * @param values accepted values, compared as text
     */
    record FactCondition(String path, List<String> values) {
        boolean holds(Facts nodeFacts) {
            return nodeFacts.text(path).map(values::contains).orElse(false);
        }
    }

    /**
     * A trusted fact (from the node's certificate, or {@code certname}) that must have one of the values.
     *
     * @param key    the trusted fact's name, e.g. {@code role}
     * @param values accepted values
     */
    record TrustedCondition(String key, List<String> values) {
        boolean holds(Map<String, String> trustedFacts) {
            String value = trustedFacts.get(key);
            return value != null && values.contains(value);
        }
    }
}
