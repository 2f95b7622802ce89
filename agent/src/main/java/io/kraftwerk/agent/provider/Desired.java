package io.kraftwerk.agent.provider;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The properties a resource asks for, in a stable order, {@code ensure} first. Built by a provider
 * from the catalog resource alone (no I/O).
 */
public final class Desired {
    public static final String ENSURE = "ensure";
    private final Map<String, Property> properties = new LinkedHashMap<>();

    public Desired ensure(String value) {
        return put(Property.plain(ENSURE, value));
    }

    public Desired plain(String name, String value) {
        return put(Property.plain(name, value));
    }

    public Desired content(String name, String value, boolean secret) {
        return put(new Property(name, value, secret ? Property.Kind.SECRET : Property.Kind.CONTENT));
    }

    public Desired secret(String name, String value) {
        return put(new Property(name, value, Property.Kind.SECRET));
    }

    public Desired put(Property property) {
        properties.put(property.name(), property);
        return this;
    }

    public String value(String name) {
        Property p = properties.get(name);
        return p == null ? null : p.value();
    }

    public Property get(String name) {
        return properties.get(name);
    }

    public Collection<Property> all() {
        return properties.values();
    }

    /** The managed properties (value not null). */
    public List<Property> managed() {
        List<Property> out = new ArrayList<>();
        properties.values().stream().filter(p -> p.value() != null).forEach(out::add);
        return out;
    }
}
