package io.kraftwerk.master.serve;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Compiled catalogs by (environment, commit, node, facts digest, ...), in two tiers. What nearly
 * every request needs is the ETag alone: an agent whose catalog has not changed sends it and gets
 * 304. So every catalog compiled is remembered by its ETag, commit and pinned artifacts (a few
 * hundred bytes, up to {@code entries} of them, enough for a fleet), and the bytes of the most
 * recently used ones are kept besides, bounded by {@code bytes}: catalogs vary from 5 to 500 KiB,
 * and a fleet's worth of them would take gigabytes of heap. An agent that asks for a catalog whose
 * bytes are gone, and does not have it, gets it compiled again (the same bytes, the same ETag).
 * The least recently used lose their bytes first; of those remembered without bytes, the ones that
 * lost them longest ago are forgotten first.
 */
final class CatalogCache {
    /** A compiled catalog as served: the exact bytes (null once dropped), their ETag, the commit, the artifacts it pins (SHA-256). */
    record Compiled(byte[] json, String etag, String version, Set<String> artifacts) {
        static Compiled of(byte[] json, String etag, String version, Set<String> artifacts) {
            return new Compiled(json, etag, version, artifacts);
        }

        /** Enough to answer 304, and to know what the node was served. */
        Compiled withoutJson() {
            return new Compiled(null, etag, version, artifacts);
        }
    }

    private final long byteCapacity;
    private final int entryCapacity;
    private long bytes;
    /** With their bytes: the most recently used, up to byteCapacity. */
    private final LinkedHashMap<String, Compiled> whole = new LinkedHashMap<>(256, 0.75f, true);
    /** Without: every other one remembered, up to entryCapacity in both tiers together. */
    private final LinkedHashMap<String, Compiled> known = new LinkedHashMap<>(1024, 0.75f, true);

    CatalogCache(long byteCapacity, int entryCapacity) {
        if (entryCapacity < 1 || byteCapacity < 0) {
            throw new IllegalArgumentException("kraftwerk.master.catalog-cache-entries must be at least 1 and"
                    + " kraftwerk.master.catalog-cache-bytes at least 0 (they are " + entryCapacity + " and " + byteCapacity + ")");
        }
        this.byteCapacity = byteCapacity;
        this.entryCapacity = entryCapacity;
    }

    /** The catalog compiled for this key, with its bytes or, when they were dropped, without; null if none. */
    synchronized Compiled get(String key) {
        Compiled hit = whole.get(key);
        return hit != null ? hit : known.get(key);
    }

    synchronized void put(String key, Compiled value) {
        known.remove(key);
        Compiled old = whole.put(key, value);
        bytes += value.json().length - (old == null ? 0 : old.json().length);
        var it = whole.entrySet().iterator();
        while (bytes > byteCapacity && it.hasNext()) {
            Map.Entry<String, Compiled> eldest = it.next();
            bytes -= eldest.getValue().json().length;
            it.remove();
            known.put(eldest.getKey(), eldest.getValue().withoutJson());
        }
        // over the count: those remembered without bytes go first, then (a budget of tiny catalogs) those with
        var oldest = known.entrySet().iterator();
        while (whole.size() + known.size() > entryCapacity && oldest.hasNext()) {
            oldest.next();
            oldest.remove();
        }
        var eldestWhole = whole.entrySet().iterator();
        while (whole.size() > entryCapacity && eldestWhole.hasNext()) {
            bytes -= eldestWhole.next().getValue().json().length;
            eldestWhole.remove();
        }
    }

    /** Catalogs remembered (with or without their bytes). */
    synchronized int count() {
        return whole.size() + known.size();
    }

    /** Bytes of catalogs held. */
    synchronized long bytes() {
        return bytes;
    }
}
