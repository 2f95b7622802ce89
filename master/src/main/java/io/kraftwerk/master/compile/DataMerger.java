package io.kraftwerk.master.compile;

import io.kraftwerk.master.manifest.Location;
import io.kraftwerk.master.manifest.YMap;
import io.kraftwerk.master.manifest.YNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Layers data from general to specific. Maps merge key by key, recursively; any other value (a
 * string, a number, a list) from a more specific layer replaces the general one whole.
 */
final class DataMerger {
    private DataMerger() {
    }

    static YMap merge(List<YMap> layers) {
        YMap result = YMap.empty(Location.ofFile("data"));
        for (YMap layer : layers) {
            if (layer != null) {
                result = merge(result, layer);
            }
        }
        return result;
    }

    static YMap merge(YMap base, YMap over) {
        Map<String, YMap.Entry> merged = new LinkedHashMap<>();
        base.entries().forEach(e -> merged.put(e.name(), e));
        for (YMap.Entry e : over.entries()) {
            YMap.Entry previous = merged.get(e.name());
            if (previous != null && previous.value() instanceof YMap baseMap && e.value() instanceof YMap overMap) {
                merged.put(e.name(), new YMap.Entry(e.key(), merge(baseMap, overMap)));
            } else {
                merged.put(e.name(), e);
            }
        }
        YNode where = over.entries().isEmpty() ? base : over;
        return new YMap(new ArrayList<>(merged.values()), where.location());
    }
}
