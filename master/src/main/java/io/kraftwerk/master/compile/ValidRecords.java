package io.kraftwerk.master.compile;

import io.kraftwerk.model.validation.ModelValidator;
import io.kraftwerk.model.validation.Violation;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Validation of the records a compile builds, remembering the ones found valid. A record's
 * validity depends on its values alone, and a master compiles the same resources for every run
 * of every node, so most are equal to one already checked: Hibernate Validator then runs only on
 * what is new. Bounded: forgets everything when full.
 */
final class ValidRecords {
    private static final int CAPACITY = 20_000;
    private static final Set<Record> KNOWN_VALID = ConcurrentHashMap.newKeySet();

    private ValidRecords() {
    }

    static List<Violation> validate(Record record) {
        if (KNOWN_VALID.contains(record)) {
            return List.of();
        }
        List<Violation> violations = ModelValidator.get().validate(record);
        if (violations.isEmpty()) {
            if (KNOWN_VALID.size() >= CAPACITY) {
                KNOWN_VALID.clear();
            }
            KNOWN_VALID.add(record);
        }
        return violations;
    }
}
