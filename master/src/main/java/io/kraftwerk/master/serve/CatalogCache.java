package io.kraftwerk.master.serve;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Compiled catalogs by (environment, commit, node, facts digest), least recently used evicted
 * first, bounded by the bytes it holds rather than by count. Catalogs are kept gzip-compressed,
 * a tenth of their size: most answers from the cache are 304s, which need only the ETag.
 */
final class CatalogCache {
    /** A compiled catalog: its bytes (compressed), their ETag and the commit. */
    record Compiled(byte[] packed, String etag, String version) {
        static Compiled of(byte[] json, String etag, String version) {
            return new Compiled(io.kraftwerk.master.util.Gzip.pack(json), etag, version);
        }

        byte[] json() {
            return io.kraftwerk.master.util.Gzip.unpack(packed);
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
        size += value.packed().length - (old == null ? 0 : old.packed().length);
        var it = entries.entrySet().iterator();
        while (size > capacity && it.hasNext()) {
            Map.Entry<String, Compiled> eldest = it.next();
            size -= eldest.getValue().packed().length;
            it.remove();
        }
    }

    synchronized int count() {
        return entries.size();
    }
}
