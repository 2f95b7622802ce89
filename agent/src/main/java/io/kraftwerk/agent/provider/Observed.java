package io.kraftwerk.agent.provider;

import java.util.HashMap;
import java.util.Map;

/**
 * What a provider found on the node, under the same property names as {@link Desired}. A missing
 * value means the thing (or the property) does not exist.
 */
public final class Observed {
    private final Map<String, String> values = new HashMap<>();

    public static Observed absent() {
        return new Observed().put(Desired.ENSURE, "absent");
    }

    public Observed put(String name, String value) {
        values.put(name, value);
        return this;
    }

    public String get(String name) {
        return values.get(name);
    }

    public boolean isAbsent() {
        return "absent".equals(values.get(Desired.ENSURE));
    }
}
