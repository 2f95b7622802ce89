package io.kraftwerk.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SuggestionsTest {
    private static final List<String> KEYS = List.of("owner", "group", "mode", "content", "ensure");

    @Test
    void suggestsTheClosestPlausibleKey() {
        assertEquals(Optional.of("mode"), Suggestions.closest("modee", KEYS));
        assertEquals(Optional.of("owner"), Suggestions.closest("onwer", KEYS));
        assertEquals(Optional.of("content"), Suggestions.closest("Content", KEYS));
    }

    @Test
    void staysQuietWhenNothingIsClose() {
        assertEquals(Optional.empty(), Suggestions.closest("xyz", KEYS));
        assertEquals("", Suggestions.didYouMean("permissions", KEYS));
    }

    @Test
    void formatsTheHint() {
        assertEquals(" (did you mean 'group'?)", Suggestions.didYouMean("gruop", KEYS));
    }
}
