package io.kraftwerk.model.resource;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads {@link Sensitivity} declarations. */
public final class SensitivityMarks {
    private SensitivityMarks() {
    }

    /** The marking attributes of a record class, or empty when it declares none (which the build's checks refuse). */
    public static Optional<List<String>> of(Class<?> type) {
        Sensitivity s = type.getAnnotation(Sensitivity.class);
        return s == null ? Optional.empty() : Optional.of(Arrays.asList(s.markedBy()));
    }

    /** The attribute a type's marks keep secret (where decrypted values may go), if the type has one. */
    public static Optional<String> protectedAttribute(Class<?> type) {
        Sensitivity s = type.getAnnotation(Sensitivity.class);
        return s == null || s.protects().isEmpty() ? Optional.empty() : Optional.of(s.protects());
    }

    /** Whether the type's protected attribute is secret whenever it is set ({@link Sensitivity#always()}). */
    public static boolean always(Class<?> type) {
        Sensitivity s = type.getAnnotation(Sensitivity.class);
        return s != null && s.always();
    }

    /**
     * Whether declared attributes mark a value secret: a marking flag that is true, a marking list
     * that is not empty, or a protected attribute that is always secret and set. Attributes are as
     * written in a manifest (strings, lists, maps).
     */
    public static boolean marks(Class<?> type, Map<String, ?> attributes) {
        if (always(type) && protectedAttribute(type).map(attributes::get).isPresent()) {
            return true;
        }
        for (String marker : of(type).orElse(List.of())) {
            Object value = attributes.get(marker);
            if (Boolean.TRUE.equals(value) || "true".equals(value) || value instanceof List<?> list && !list.isEmpty()) {
                return true;
            }
        }
        return false;
    }
}
