package io.kraftwerk.master.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** The two tiers: the bytes of the most recently used catalogs, the ETags of many more. */
class CatalogCacheTest {
    private static CatalogCache.Compiled catalog(String name, int size) {
        return CatalogCache.Compiled.of(new byte[size], "\"" + name + "\"", "commit-" + name, Set.of("sha256:" + name));
    }

    @Test
    void bytesBeyondTheirBudgetAreDroppedButTheEtagIsRemembered() {
        CatalogCache cache = new CatalogCache(250, 100);
        cache.put("a", catalog("a", 100));
        cache.put("b", catalog("b", 100));
        cache.get("a"); // a is now the more recently used
        cache.put("c", catalog("c", 100)); // 300 bytes: the least recently used (b) loses its bytes

        assertEquals(200, cache.bytes());
        assertEquals(3, cache.count());
        CatalogCache.Compiled b = cache.get("b");
        assertNull(b.json(), "b's bytes are dropped");
        assertEquals("\"b\"", b.etag());
        assertEquals("commit-b", b.version());
        assertEquals(Set.of("sha256:b"), b.artifacts(), "what b pins is still known: the artifact store keeps it");
        assertEquals(100, cache.get("a").json().length);
        assertEquals(100, cache.get("c").json().length);

        // compiled again, b has its bytes back and c (now least recently used of those with bytes) loses them
        cache.get("a");
        cache.put("b", catalog("b", 100));
        assertEquals(100, cache.get("b").json().length);
        assertNull(cache.get("c").json());
        assertEquals(3, cache.count());
    }

    @Test
    void theLeastRecentlyUsedAreForgottenBeyondTheEntryBudget() {
        CatalogCache cache = new CatalogCache(0, 3); // no bytes kept at all: ETags only
        for (String key : new String[] {"a", "b", "c"}) {
            cache.put(key, catalog(key, 10));
        }
        assertEquals(0, cache.bytes());
        cache.get("a");
        cache.put("d", catalog("d", 10));
        assertEquals(3, cache.count());
        assertNull(cache.get("b"), "b, the least recently used, is forgotten");
        assertEquals("\"a\"", cache.get("a").etag());
        assertEquals("\"d\"", cache.get("d").etag());
    }

    @Test
    void theEntryBudgetBoundsCatalogsHeldWithTheirBytesToo() {
        CatalogCache cache = new CatalogCache(1_000_000, 2); // room for the bytes, not for the count
        for (String key : new String[] {"a", "b", "c"}) {
            cache.put(key, catalog(key, 10));
        }
        assertEquals(2, cache.count());
        assertEquals(20, cache.bytes());
        assertNull(cache.get("a"));
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> new CatalogCache(1, 0));
        assertEquals("kraftwerk.master.catalog-cache-entries must be at least 1 and kraftwerk.master.catalog-cache-bytes at least 0"
                + " (they are 0 and 1)", none.getMessage());
    }

    @Test
    void aCatalogCompiledAgainReplacesItsEntryAndItsBytes() {
        CatalogCache cache = new CatalogCache(1000, 10);
        cache.put("a", catalog("a", 300));
        cache.put("a", CatalogCache.Compiled.of(new byte[] {1, 2, 3}, "\"a2\"", "commit-2", Set.of()));
        assertEquals(3, cache.bytes());
        assertEquals(1, cache.count());
        assertArrayEquals(new byte[] {1, 2, 3}, cache.get("a").json());
        assertEquals("\"a2\"", cache.get("a").etag());
    }
}
