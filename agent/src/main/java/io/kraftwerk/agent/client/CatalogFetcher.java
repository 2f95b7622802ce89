package io.kraftwerk.agent.client;

import io.kraftwerk.model.catalog.Catalog;
import io.kraftwerk.model.json.DocumentFormatException;
import io.kraftwerk.model.json.ModelJson;
import io.kraftwerk.model.report.CatalogSource;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Gets the catalog for a run: fresh from the master when it has a good one, the cached one when the
 * master says nothing changed (304), and the cached one too — with the reason — when the master is
 * unreachable, answers with an error, or sends something that is not a valid catalog.
 */
public final class CatalogFetcher {
    /**
     * The catalog to converge to.
     *
     * @param catalog the catalog, or null when there is none at all
     * @param json    its bytes when fresh (to cache), else null
     * @param etag    the ETag to cache with it
     * @param source  fresh or cached
     * @param note    why the cached catalog is used, or empty
     * @param errors  compile errors the master reported, file:line:column each
     */
    public record Fetched(Catalog catalog, byte[] json, String etag, CatalogSource source, String note,
                          List<String> errors) {
    }

    private CatalogFetcher() {
    }

    public static Fetched fetch(MasterClient client, String certname, byte[] facts, String environment, CatalogCache cache)
            throws InterruptedException {
        Optional<CatalogCache.Cached> cached = cache.load();
        Map<String, String> headers = new HashMap<>();
        cached.map(CatalogCache.Cached::etag).filter(e -> !e.isEmpty()).ifPresent(e -> headers.put("If-None-Match", e));
        String path = "/v1/catalogs/" + certname
                + (environment == null ? "" : "?environment=" + URLEncoder.encode(environment, StandardCharsets.UTF_8));
        MasterClient.Answer answer;
        try {
            answer = client.send("POST", path, "application/json", facts, headers);
        } catch (IOException e) {
            return fallback(cached, e.getMessage(), List.of());
        }
        if (answer.status() == 304 && cached.isPresent()) {
            return new Fetched(cached.get().catalog(), null, cached.get().etag(), CatalogSource.FRESH,
                    "unchanged since the last run (304)", List.of());
        }
        if (answer.status() != 200) {
            return fallback(cached, "the master answered " + answer.status() + ": " + answer.reason(), errors(answer));
        }
        try {
            Catalog catalog = ModelJson.readCatalog(answer.body(), client.server() + path);
            if (!catalog.node().equals(certname)) {
                return fallback(cached, "the master sent the catalog of " + catalog.node() + ", not of " + certname, List.of());
            }
            return new Fetched(catalog, answer.body(), answer.header("ETag").orElse(null), CatalogSource.FRESH, "", List.of());
        } catch (DocumentFormatException e) {
            return fallback(cached, "the master sent an invalid catalog: " + e.problems().get(0), List.of());
        }
    }

    private static Fetched fallback(Optional<CatalogCache.Cached> cached, String why, List<String> errors) {
        return cached.map(c -> new Fetched(c.catalog(), null, c.etag(), CatalogSource.CACHED, why, errors))
                .orElse(new Fetched(null, null, null, CatalogSource.CACHED, why, errors));
    }

    /** The "details" list of a Kraftwerk error answer: the compile errors, one per line. */
    static List<String> errors(MasterClient.Answer answer) {
        try {
            var node = ModelJson.mapper().readTree(answer.body());
            List<String> out = new ArrayList<>();
            if (node != null && node.has("details")) {
                node.get("details").forEach(d -> out.add(d.asText()));
            }
            return out;
        } catch (IOException e) {
            return List.of();
        }
    }
}
