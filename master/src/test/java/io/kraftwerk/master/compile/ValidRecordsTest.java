package io.kraftwerk.master.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kraftwerk.model.resource.FileResource;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Remembering valid records must never hide an invalid one. */
class ValidRecordsTest {
    private static FileResource file(String mode) {
        return new FileResource("/etc/app.conf", null, "x\n", "root", "root", mode, false);
    }

    @Test
    void anInvalidRecordIsReportedEveryTimeAndAValidOneStaysValid() {
        assertEquals(List.of(), ValidRecords.validate(file("0644")));
        assertEquals(List.of(), ValidRecords.validate(file("0644")), "remembered");
        for (int i = 0; i < 2; i++) {
            assertEquals(1, ValidRecords.validate(file("0999")).size(), "an invalid record is never remembered");
        }
        assertEquals("mode: must be an octal mode such as 0644 or 2750", ValidRecords.validate(file("0999")).get(0).toString());
    }
}
