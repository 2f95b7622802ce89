package io.kraftwerk.agent.facts;

import io.kraftwerk.model.json.ModelJson;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What one source gives, checked and copied into plain values: every top-level key a fact name,
 * every value one that JSON carries (text, numbers, booleans, null, and lists and maps of them),
 * nested at most {@value #MAX_DEPTH} levels deep. A bad name or value leaves that one fact out with
 * an error; a source that gives more than its share of bytes is left out whole.
 */
final class FactValues {
    /** What {@code ${facts.custom.NAME}} spells without quoting, in any tool: rack, rack_row, dc2. */
    static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,63}");
    static final String NAME_RULE = "lower-case letters, digits and '_', starting with a letter, at most 64 characters";
    /** Lists and maps inside a fact's value; the master reads far deeper, this keeps facts readable. */
    static final int MAX_DEPTH = 8;

    private final int maxBytes;
    /** A lower bound of the bytes the copied values take as JSON, so that a YAML alias bomb stops early. */
    private long spent;

    private FactValues(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** A value that cannot be a fact; the message completes "'NAME' …". */
    private static final class BadValue extends Exception {
        private static final long serialVersionUID = 1L;

        BadValue(String message) {
            super(message);
        }
    }

    /**
     * The facts of one parsed document (null: none), in name order; what is left out is said in
     * {@code errors}.
     */
    static Map<String, Object> of(Object document, int maxBytes, List<String> errors) throws SourceException {
        Map<String, Object> facts = new TreeMap<>();
        if (document == null) {
            return facts;
        }
        if (!(document instanceof Map<?, ?> map)) {
            throw new SourceException("gives " + describe(document) + ", not a map of fact names to values (such as rack: r12,"
                    + " or {\"rack\": \"r12\"})");
        }
        FactValues values = new FactValues(maxBytes);
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            if (!(entry.getKey() instanceof String name) || !NAME.matcher(name).matches()) {
                errors.add(badName(entry.getKey()));
                continue;
            }
            try {
                values.spend(name.length() + 4);
                facts.put(name, values.copy(entry.getValue(), 0));
            } catch (BadValue e) {
                errors.add("'" + name + "' " + e.getMessage() + ": left out");
            }
        }
        if (documentBytes(facts) > maxBytes) {
            throw tooLarge(maxBytes);
        }
        return facts;
    }

    /** The bytes {@code facts} take in the facts document the agent sends, where they sit under {@code custom}. */
    static int documentBytes(Map<String, Object> facts) {
        return ModelJson.writeBytes(Map.of(CustomFacts.KEY, facts)).length;
    }

    private static String badName(Object key) {
        String shown = "'" + SourceException.shown(String.valueOf(key)) + "'";
        if (key != null && !(key instanceof String)) {
            return shown + " is read as " + describe(key) + ", not as a fact name: left out (quote it, and use " + NAME_RULE + ")";
        }
        return shown + " is not a fact name: left out (use " + NAME_RULE + ", such as rack_row)";
    }

    private Object copy(Object value, int depth) throws BadValue, SourceException {
        if (value == null || value instanceof Boolean) {
            spend(5);
            return value;
        }
        if (value instanceof String text) {
            spend(text.length() + 2L);
            return text;
        }
        if (value instanceof Integer || value instanceof Long || value instanceof BigInteger) {
            spend(value.toString().length());
            return value;
        }
        if (value instanceof Double || value instanceof Float || value instanceof BigDecimal) {
            double d = ((Number) value).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new BadValue("holds " + value + ", which JSON cannot carry");
            }
            spend(value.toString().length());
            return value;
        }
        if (value instanceof Map<?, ?> || value instanceof List<?>) {
            if (depth >= MAX_DEPTH) {
                throw new BadValue("is nested more than " + MAX_DEPTH + " lists or maps deep (flatten it)");
            }
            return value instanceof Map<?, ?> map ? copyMap(map, depth) : copyList((List<?>) value, depth);
        }
        throw new BadValue("holds " + describe(value) + "; facts are text, numbers, booleans, null, lists and maps");
    }

    private Map<String, Object> copyMap(Map<?, ?> map, int depth) throws BadValue, SourceException {
        Map<String, Object> copy = new LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            Object key = entry.getKey();
            if (!(key instanceof String || key instanceof Number || key instanceof Boolean)) {
                throw new BadValue("has a map with " + describe(key) + " as a key; keys are text");
            }
            String name = key.toString();
            spend(name.length() + 4L);
            copy.put(name, copy(entry.getValue(), depth + 1));
        }
        return copy;
    }

    private List<Object> copyList(List<?> list, int depth) throws BadValue, SourceException {
        List<Object> copy = new ArrayList<>(list.size());
        for (Object item : list) {
            spend(2);
            copy.add(copy(item, depth + 1));
        }
        return copy;
    }

    private void spend(long bytes) throws SourceException {
        spent += bytes;
        if (spent > maxBytes) {
            throw tooLarge(maxBytes);
        }
    }

    /** The error of a source whose facts take more than {@code maxBytes} of the facts document. */
    static SourceException tooLarge(int maxBytes) {
        return new SourceException("gives more than " + CustomFacts.Limits.size(maxBytes) + " of facts, the most one source may"
                + " give: left out (keep bulky data out of facts)");
    }

    /** "a list", "text", "binary data (!!binary)": what a value is, for messages. */
    static String describe(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof Map<?, ?>) {
            return "a map";
        }
        if (value instanceof List<?>) {
            return "a list";
        }
        if (value instanceof Set<?>) {
            return "a set (!!set)";
        }
        if (value instanceof byte[]) {
            return "binary data (!!binary)";
        }
        if (value instanceof String) {
            return "text";
        }
        if (value instanceof Boolean) {
            return "a boolean";
        }
        return value instanceof Number ? "a number" : "a " + value.getClass().getSimpleName();
    }
}
