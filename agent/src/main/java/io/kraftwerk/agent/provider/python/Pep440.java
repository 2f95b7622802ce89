package io.kraftwerk.agent.provider.python;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Python package versions and requirement specifiers (PEP 440 / PEP 508 without markers), enough to
 * tell whether installed distributions satisfy a requirement list without starting pip.
 */
final class Pep440 {
    private static final Pattern VERSION = Pattern.compile(
            "v?(?:(\\d+)!)?(\\d+(?:\\.\\d+)*)(?:[-_.]?(a|b|c|rc|alpha|beta|pre|preview)[-_.]?(\\d*))?"
                    + "(?:-(\\d+)|[-_.]?(?:post|rev|r)[-_.]?(\\d*))?(?:[-_.]?dev[-_.]?(\\d*))?(?:\\+[a-z0-9.]+)?",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern CLAUSE = Pattern.compile("\\s*(===|==|!=|<=|>=|~=|<|>)\\s*([^,\\s]+)\\s*");
    private static final Pattern REQUIREMENT = Pattern.compile("\\s*([A-Za-z0-9][A-Za-z0-9._-]*)(\\[[^]]*])?\\s*(.*)");

    private Pep440() {
    }

    /** A parsed version, comparable by PEP 440 rules (local versions are ignored). */
    record Version(int epoch, List<BigInteger> release, int preKind, BigInteger pre, BigInteger post, BigInteger dev,
                   String text) implements Comparable<Version> {

        static Version parse(String text) {
            Matcher m = VERSION.matcher(text.strip());
            if (!m.matches()) {
                return null;
            }
            List<BigInteger> release = new ArrayList<>();
            for (String part : m.group(2).split("\\.")) {
                release.add(new BigInteger(part));
            }
            int preKind = Integer.MAX_VALUE; // no pre-release sorts after every pre-release
            BigInteger pre = BigInteger.ZERO;
            if (m.group(3) != null) {
                String kind = m.group(3).toLowerCase(Locale.ROOT);
                preKind = kind.startsWith("a") ? 0 : kind.equals("b") || kind.equals("beta") ? 1 : 2;
                pre = number(m.group(4));
            }
            BigInteger post = m.group(5) != null ? number(m.group(5)) : m.group(6) != null ? number(m.group(6)) : null;
            BigInteger dev = text.toLowerCase(Locale.ROOT).contains("dev") ? number(m.group(7)) : null;
            return new Version(m.group(1) == null ? 0 : Integer.parseInt(m.group(1)), release, preKind, pre, post, dev, text);
        }

        private static BigInteger number(String s) {
            return s == null || s.isEmpty() ? BigInteger.ZERO : new BigInteger(s);
        }

        @Override
        public int compareTo(Version o) {
            int c = Integer.compare(epoch, o.epoch);
            if (c != 0) {
                return c;
            }
            for (int i = 0; i < Math.max(release.size(), o.release.size()); i++) {
                c = part(release, i).compareTo(part(o.release, i));
                if (c != 0) {
                    return c;
                }
            }
            // a dev release of a final version sorts before its pre-releases
            int kind = preKind == Integer.MAX_VALUE && post == null && dev != null ? -1 : preKind;
            int otherKind = o.preKind == Integer.MAX_VALUE && o.post == null && o.dev != null ? -1 : o.preKind;
            c = Integer.compare(kind, otherKind);
            if (c == 0) {
                c = pre.compareTo(o.pre);
            }
            if (c == 0) {
                c = compareNullsFirst(post, o.post);
            }
            if (c == 0) {
                c = compareNullsLast(dev, o.dev);
            }
            return c;
        }

        boolean isPreRelease() {
            return preKind != Integer.MAX_VALUE || dev != null;
        }

        List<BigInteger> releasePrefix(int n) {
            List<BigInteger> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                out.add(part(release, i));
            }
            return out;
        }

        private static BigInteger part(List<BigInteger> release, int i) {
            return i < release.size() ? release.get(i) : BigInteger.ZERO;
        }

        private static int compareNullsFirst(BigInteger a, BigInteger b) {
            return a == null ? (b == null ? 0 : -1) : b == null ? 1 : a.compareTo(b);
        }

        private static int compareNullsLast(BigInteger a, BigInteger b) {
            return a == null ? (b == null ? 0 : 1) : b == null ? -1 : a.compareTo(b);
        }
    }

    /** A requirement such as {@code requests[socks]>=2.31,<3}. */
    record Requirement(String name, List<String[]> clauses, String text) {

        static Requirement parse(String text) {
            Matcher m = REQUIREMENT.matcher(text);
            if (!m.matches()) {
                throw new IllegalArgumentException("not a requirement: " + text);
            }
            List<String[]> clauses = new ArrayList<>();
            String spec = m.group(3).strip();
            if (!spec.isEmpty()) {
                for (String clause : spec.split(",")) {
                    Matcher c = CLAUSE.matcher(clause);
                    if (!c.matches()) {
                        throw new IllegalArgumentException("not a version clause: " + clause);
                    }
                    clauses.add(new String[] {c.group(1), c.group(2)});
                }
            }
            return new Requirement(normalize(m.group(1)), clauses, text.strip());
        }

        boolean satisfiedBy(String installed) {
            Version v = Version.parse(installed);
            for (String[] clause : clauses) {
                if (!matches(clause[0], clause[1], v, installed)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** PEP 503 name normalization: {@code Foo_Bar.baz} → {@code foo-bar-baz}. */
    static String normalize(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[-_.]+", "-");
    }

    static boolean matches(String op, String target, Version v, String raw) {
        if (op.equals("===")) {
            return raw.equals(target);
        }
        if (v == null) {
            return false;
        }
        if ((op.equals("==") || op.equals("!=")) && target.endsWith(".*")) {
            Version prefix = Version.parse(target.substring(0, target.length() - 2));
            boolean same = prefix != null && prefix.epoch() == v.epoch()
                    && v.releasePrefix(prefix.release().size()).equals(prefix.release());
            return op.equals("==") == same;
        }
        Version t = Version.parse(target);
        if (t == null) {
            return false;
        }
        int c = v.compareTo(t);
        return switch (op) {
            case "==" -> c == 0;
            case "!=" -> c != 0;
            case "<=" -> c <= 0;
            case ">=" -> c >= 0;
            case "<" -> c < 0 && !(v.isPreRelease() && !t.isPreRelease() && v.releasePrefix(t.release().size()).equals(t.release()));
            case ">" -> c > 0 && (t.post() != null || v.post() == null || !v.release().equals(t.release()));
            case "~=" -> c >= 0 && t.release().size() >= 2
                    && v.releasePrefix(t.release().size() - 1).equals(t.releasePrefix(t.release().size() - 1));
            default -> false;
        };
    }
}
