package io.kraftwerk.agent.client;

import io.kraftwerk.agent.fs.FsOps;
import io.kraftwerk.agent.provider.ProviderException;
import io.kraftwerk.model.catalog.Catalog;
import io.kraftwerk.model.json.DocumentFormatException;
import io.kraftwerk.model.json.ModelJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The last good catalog ({@code STATE/catalog.json}) and its ETag: what the agent converges to
 * when the master cannot give it a new one. Written only by enforcing runs, after the catalog was
 * read and checked.
 */
public final class CatalogCache {
    /** A cached catalog and the ETag the master gave it. */
    public record Cached(Catalog catalog, String etag) {
    }

    private final Path file;
    private final Path etagFile;

    public CatalogCache(Path stateDir) {
        this.file = stateDir.resolve("catalog.json");
        this.etagFile = stateDir.resolve("catalog.etag");
    }

    public Optional<Cached> load() {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            Catalog catalog = ModelJson.readCatalog(Files.readAllBytes(file), file.toString());
            String etag = Files.exists(etagFile) ? Files.readString(etagFile, StandardCharsets.UTF_8).strip() : null;
            return Optional.of(new Cached(catalog, etag));
        } catch (IOException | DocumentFormatException e) {
            return Optional.empty(); // a damaged cache is no cache
        }
    }

    public void save(byte[] json, String etag, FsOps fs) throws IOException, ProviderException {
        Files.createDirectories(file.getParent());
        // the agent's own state: owned by whoever runs it (root as a service, a user for the quick start's noop)
        fs.writeAtomically(file, json, null, null, "0600");
        fs.writeAtomically(etagFile, (etag == null ? "" : etag).getBytes(StandardCharsets.UTF_8), "root", "root", "0600");
    }
}
