package io.kraftwerk.agent.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DumpLoaderTest {

    @Test
    void temporaryDatabasesFitPostgresqlsNamesWhateverTheDatabasesAndAreTheSameForTheSameDatabase() {
        String longest = "d".repeat(63);
        String name = DumpLoader.temporaryName("kw_load_", longest);
        assertTrue(name.length() <= 63 && name.matches("kw_load_[0-9a-f]{16}"), name);
        assertEquals(name, DumpLoader.temporaryName("kw_load_", longest), "a load that died is found and dropped by the next");
        assertNotEquals(name, DumpLoader.temporaryName("kw_load_", "hello"));
    }

    @Test
    void aPasswordFileLineKeepsColonsAndBackslashesAsTheyAre() {
        assertEquals("p\\:w\\\\d", DumpLoader.pgpass("p:w\\d"));
    }
}
