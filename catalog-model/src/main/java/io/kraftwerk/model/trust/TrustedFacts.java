package io.kraftwerk.model.trust;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Trusted facts: values carried in a node's certificate, set when it was signed (asked for in the
 * request and approved by an operator, or given by {@code kw-master ca sign --trusted}). The node
 * cannot change them without a new certificate, so classification may rely on them where it must
 * not rely on what the agent says about itself. {@code certname} is always the certificate's name
 * and cannot be set.
 *
 * <p>In a certificate (and in a signing request's extension request) they are one non-critical
 * extension, {@link #OID}, holding {@code SEQUENCE OF SEQUENCE { key UTF8String, value UTF8String }}
 * sorted by key.
 */
public final class TrustedFacts {
    /** Kraftwerk's arc (a UUID OID, ITU-T X.667) and, under it, 1: trusted facts. */
    public static final String OID = "2.25.336850109659335016531078330992153005113.1";
    public static final String CERTNAME = "certname";
    public static final int MAX_FACTS = 16;
    public static final int MAX_VALUE_LENGTH = 128;
    private static final Pattern KEY = Pattern.compile("[a-z][a-z0-9_]{0,31}");
    private static final Pattern VALUE = Pattern.compile("[\\p{L}\\p{N}._:@/+=-]+");

    private TrustedFacts() {
    }

    /** Why {@code key=value} cannot be a trusted fact, or null when it can. */
    public static String problem(String key, String value) {
        if (key == null || !KEY.matcher(key).matches()) {
            return "'" + key + "' is not a trusted fact name: use lowercase letters, digits and '_', starting with a letter"
                    + " (at most 32)";
        }
        if (key.equals(CERTNAME)) {
            return "'certname' is always the certificate's own name and cannot be set";
        }
        if (value == null || value.isEmpty() || value.length() > MAX_VALUE_LENGTH || !VALUE.matcher(value).matches()) {
            return "the value of trusted fact '" + key + "' must be 1 to " + MAX_VALUE_LENGTH
                    + " letters, digits or ._:@/+=- characters";
        }
        return null;
    }

    /** Checks a whole set; the message names the first fact at fault. */
    public static Map<String, String> require(Map<String, String> facts) {
        if (facts.size() > MAX_FACTS) {
            throw new IllegalArgumentException("at most " + MAX_FACTS + " trusted facts, not " + facts.size());
        }
        for (Map.Entry<String, String> e : facts.entrySet()) {
            String problem = problem(e.getKey(), e.getValue());
            if (problem != null) {
                throw new IllegalArgumentException(problem);
            }
        }
        return new TreeMap<>(facts);
    }

    /** Parses {@code key=value}, as the command lines take it. */
    public static Map.Entry<String, String> parse(String assignment) {
        int eq = assignment.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("'" + assignment + "' is not KEY=VALUE (e.g. role=db)");
        }
        String key = assignment.substring(0, eq);
        String value = assignment.substring(eq + 1);
        String problem = problem(key, value);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return Map.entry(key, value);
    }

    /**
     * Parses the {@code KEY=VALUE} of repeated {@code --trusted} options (a later key wins); the
     * message names the option at fault.
     */
    public static Map<String, String> parseAll(Iterable<String> assignments) {
        Map<String, String> out = new TreeMap<>();
        for (String a : assignments) {
            try {
                Map.Entry<String, String> fact = parse(a);
                out.put(fact.getKey(), fact.getValue());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--trusted " + a + ": " + e.getMessage());
            }
        }
        return require(out);
    }

    /** {@code role=db, site=fra}: how commands show a set. */
    public static String describe(Map<String, String> facts) {
        StringBuilder out = new StringBuilder();
        new TreeMap<>(facts).forEach((k, v) -> out.append(out.length() == 0 ? "" : ", ").append(k).append('=').append(v));
        return out.toString();
    }
}
