package io.kraftwerk.master.serve;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Compiled catalogs by (environment, commit, node, facts digest), least recently used evicted
 * first, bounded by the bytes it holds rather than by count: catalogs vary from 5 to 500 KiB.
 * They are kept as served, uncompressed: compressing each fresh compile cost a fifth of the
 * master's CPU per catalog (docs/benchmarks.md) and saved no measurable peak memory.
 */
final class CatalogCache {
    /** A compiled catalog as served: the exact bytes, their ETag, the commit, and the artifacts it pins (SHA-256). */
    record Compiled(byte[] json, String etag, String version, Set<String> artifacts) {
        static Compiled of(byte[] json, String etag, String version, Set<String> artifacts) {
            return new Compiled(json, etag, version, artifacts);
        }
    }

    private final long capacity;
    private long size;
    private final LinkedHashMap<String, Compiled> entries = new LinkedHashMap<>(256, 0.75f, true);

    CatalogCache(long capacityBytes) {
        this.capacity = capacityBytes;
    }

    synchronized Compiled get(String key) {
        return entries.get(key);
    }

    synchronized void put(String key, Compiled value) {
        Compiled old = entries.put(key, value);
        size += value.json().length - (old == null ? 0 : old.json().length);
        var it = entries.entrySet().iterator();
        while (size > capacity && it.hasNext()) {
            Map.Entry<String, Compiled> eldest = it.next();
            size -= eldest.getValue().json().length;
            it.remove();
        }
    }

    synchronized int count() {
        return entries.size();
    }
}
