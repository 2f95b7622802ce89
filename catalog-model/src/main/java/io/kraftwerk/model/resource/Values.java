package io.kraftwerk.model.resource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Defaulting and defensive copies shared by the resource records. Copies keep null elements so that
 * validation, not a constructor exception, reports them with the attribute's name.
 */
final class Values {
    private Values() {
    }

    static <T> T or(T value, T fallback) {
        return value == null ? fallback : value;
    }

    static <T> List<T> list(List<T> list) {
        return list == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(list));
    }

    /** Sorted so that equal maps always serialize identically. */
    static SortedMap<String, String> sortedMap(Map<String, String> map) {
        TreeMap<String, String> copy = new TreeMap<>();
        if (map != null) {
            map.forEach((k, v) -> copy.put(k == null ? "" : k, v));
        }
        return Collections.unmodifiableSortedMap(copy);
    }

    /** Pads {@code 644} to {@code 0644}; anything else is left for validation to judge. */
    static String mode(String mode) {
        if (mode != null && mode.length() == 3 && mode.chars().allMatch(c -> c >= '0' && c <= '7')) {
            return "0" + mode;
        }
        return mode;
    }
}
