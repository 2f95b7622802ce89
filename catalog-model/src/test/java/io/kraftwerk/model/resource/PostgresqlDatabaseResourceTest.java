package io.kraftwerk.model.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftwerk.model.validation.ModelValidator;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PostgresqlDatabaseResourceTest {

    @Test
    void ownerEncodingAndPortDefaultToWhatAnAppExpects() {
        PostgresqlDatabaseResource db = new PostgresqlDatabaseResource("hello", null, null, null, null, null, null, false);
        assertEquals("hello", db.owner());
        assertEquals("UTF8", db.encoding());
        assertEquals(5432, db.port());
        assertEquals(Ensure.PRESENT, db.ensure());
        assertTrue(ModelValidator.get().validate(db).isEmpty());
    }

    @Test
    void itsPasswordIsSecretWhenSetWithoutAMarkAndNeverPrinted() {
        PostgresqlDatabaseResource db = new PostgresqlDatabaseResource("shop", null, null, "hunter2", null, null, null, false);
        assertFalse(db.toString().contains("hunter2"), db.toString());
        assertTrue(SensitivityMarks.always(PostgresqlDatabaseResource.class));
        assertTrue(SensitivityMarks.marks(PostgresqlDatabaseResource.class, Map.of("password", "x")));
        assertFalse(SensitivityMarks.marks(PostgresqlDatabaseResource.class, Map.of()), "no password, nothing secret");
    }

    @Test
    void aDropNeedsForceAndForceNeedsADrop() {
        assertEquals(1, ModelValidator.get().validate(new PostgresqlDatabaseResource("old", Ensure.ABSENT, null, null, null, null, null,
                false)).size());
        assertTrue(ModelValidator.get().validate(new PostgresqlDatabaseResource("old", Ensure.ABSENT, null, null, null, null, null,
                true)).isEmpty());
        assertEquals(1, ModelValidator.get().validate(new PostgresqlDatabaseResource("new", Ensure.PRESENT, null, null, null, null, null,
                true)).size());
    }
}
