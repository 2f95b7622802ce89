package io.kraftwerk.master.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.kraftwerk.master.artifacts.ArtifactException;
import io.kraftwerk.master.compile.CatalogCompiler;
import io.kraftwerk.master.compile.CompileRequest;
import io.kraftwerk.master.compile.Facts;
import io.kraftwerk.master.compile.FleetSnapshot;
import io.kraftwerk.master.git.EnvironmentState;
import io.kraftwerk.master.git.Environments;
import io.kraftwerk.master.manifest.Diagnostic;
import io.kraftwerk.master.manifest.ManifestException;
import io.kraftwerk.master.settings.MasterConfig;
import io.kraftwerk.master.store.CompileErrors;
import io.kraftwerk.master.store.NodeSightings;
import io.kraftwerk.model.catalog.Catalog;
import io.kraftwerk.model.json.ModelJson;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;

/**
 * Serves a node its catalog: classify it with the default environment's site, pick the branch of
 * its environment (or the one its agent asks for, where the manifests allow it), compile — or take
 * the compiled bytes from the cache keyed by (environment, commit, node, facts digest, trusted facts, and what the
 * site could read of the fleet).
 */
@ApplicationScoped
public class CatalogService {
    @Inject
    Environments environments;

    @Inject
    MasterConfig config;

    @Inject
    CompileErrors errors;

    @Inject
    NodeSightings sightings;

    @Inject
    MasterMetrics metrics;

    @Inject
    ArtifactService artifacts;

    @Inject
    SecretService secrets;

    @Inject
    FleetService fleet;

    @Inject
    RolloutService rollouts;

    private CatalogCache cache;
    private Semaphore compileSlots;

    /** What a catalog request comes to. */
    public sealed interface Outcome {
        /** The catalog with its ETag and commit: just compiled (fresh) or from the cache. */
        record Served(CatalogCache.Compiled compiled, byte[] fresh, boolean cached) implements Outcome {
            public byte[] json() {
                return fresh != null ? fresh : compiled.json();
            }

            public String etag() {
                return compiled.etag();
            }

            public String version() {
                return compiled.version();
            }
        }

        /** No catalog: the HTTP status, why, and the compile errors (file:line:column) if any. */
        record Refused(int status, String reason, List<String> errors) implements Outcome {
        }
    }

    @PostConstruct
    void init() {
        cache = new CatalogCache(config.catalogCacheBytes(), config.catalogCacheEntries());
        compileSlots = new Semaphore(config.compileThreads().orElse(Runtime.getRuntime().availableProcessors()), true);
    }

    /**
     * @param trusted the trusted facts of the node's certificate
     * @param has     the ETag of the catalog the node has (If-None-Match), or null: a catalog the cache
     *                knows only by its ETag is served from it when the node has exactly that one
     */
    public Outcome catalog(String certname, byte[] factsJson, String requested, Map<String, String> trusted, String has) {
        Map<String, Object> factValues;
        try {
            factValues = ModelJson.mapper().readValue(factsJson, new TypeReference<Map<String, Object>>() { });
        } catch (JsonProcessingException e) {
            return new Outcome.Refused(400, "the facts are not a JSON object: " + e.getOriginalMessage(), List.of());
        } catch (IOException e) {
            return new Outcome.Refused(400, "the facts cannot be read: " + e.getMessage(), List.of());
        }
        if (factValues == null) {
            return new Outcome.Refused(400, "the facts are not a JSON object", List.of());
        }
        Facts facts = Facts.of(factValues, "facts of " + certname);
        Optional<EnvironmentState> main = environments.get(config.defaultEnvironment());
        if (main.isEmpty()) {
            return new Outcome.Refused(503, "the manifests repository has no branch '" + config.defaultEnvironment()
                    + "', which classifies nodes", List.of());
        }
        // classified by the default branch as this node is to run it: while that branch rolls out a commit, a node
        // that is not a canary is classified by the stable commit, whatever the candidate says of environments
        RolloutService.Choice classifying;
        try {
            classifying = rollouts.choose(main.get(), certname);
        } catch (RolloutService.Undecided e) {
            return new Outcome.Refused(503, e.getMessage(), List.of());
        }
        CatalogCompiler.NodeEnvironment node;
        try {
            node = CatalogCompiler.environment(classifying.site(), new CompileRequest(certname, facts, null, trusted));
        } catch (ManifestException e) {
            return failed(main.get().name(), classifying.commit(), certname, e.diagnostics());
        }
        if (!node.permits(requested)) {
            return new Outcome.Refused(403, "node " + certname + " may not use environment '" + requested + "'; the manifests put it in '"
                    + node.environment() + "' (allow it with allow_environments in site.yaml)", List.of());
        }
        ArtifactService.Indexed store;
        try {
            store = artifacts.index();
        } catch (ArtifactException e) {
            return new Outcome.Refused(503, e.getMessage(), List.of());
        }
        SecretService.Keyring keyring = secrets.keyring();
        String environment = requested != null ? requested : node.environment();
        Optional<EnvironmentState> state = environments.get(environment);
        if (state.isEmpty()) {
            return new Outcome.Refused(400, "unknown environment '" + environment + "': the manifests repository has no"
                    + " such branch", List.of());
        }
        // two branches may point at the same commit, and a catalog names its environment: both in the key
        // and so are the certificate's trusted facts: a node cleaned and signed again with others gets a new catalog,
        // and the artifact store's revision: an artifact added or removed may change what a catalog pins,
        // and the secrets keys' revision: a catalog made with a key since retired is not served again
        // the commit is the branch's head, or the stable one while the environment rolls the head out to its canaries
        RolloutService.Choice choice;
        try {
            choice = rollouts.choose(state.get(), certname);
        } catch (RolloutService.Undecided e) {
            return new Outcome.Refused(503, e.getMessage(), List.of());
        }
        // and what the site could read of the fleet: a web node joining, leaving or moving changes the load balancer's catalog
        // (a site that reads none of it takes no snapshot: nothing per request grows with the fleet)
        FleetSnapshot snapshot = choice.site().readsFleet() ? fleet.snapshot() : FleetSnapshot.EMPTY;
        // kept as its digest: the cache remembers tens of thousands of keys
        String key = digest((environment + "\n" + choice.commit() + "\n" + certname + "\n"
                + digest(ModelJson.writeCompactBytes(factValues)) + "\n" + store.revision() + "\n" + keyring.revision()
                + "\n" + (choice.site().readsFleet() ? fleet.view(choice.site(), snapshot) : "none")
                + (trusted.isEmpty() ? "" : "\n" + trusted)).getBytes(StandardCharsets.UTF_8));
        CatalogCache.Compiled hit = cache.get(key);
        if (hit != null && (hit.json() != null || hit.etag().equals(has))) {
            artifacts.served(certname, hit.artifacts());
            saw(certname, factsJson, environment, node.roles(), hit.version());
            return new Outcome.Served(hit, null, true);
        }
        // Compiles run at most one per core, first come first served: more at once would only
        // share the same cores, longer each, and hold their garbage all together (a stampede of 256
        // agents must not become 256 catalogs in memory at once).
        try {
            compileSlots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome.Refused(503, "the master is shutting down", List.of());
        }
        Timer.Sample timing = Timer.start();
        try {
            Catalog catalog = CatalogCompiler.compile(choice.site(), new CompileRequest(certname, facts, environment, trusted,
                    store.index(), keyring.opener(), snapshot));
            byte[] json = ModelJson.writeCompactBytes(catalog);
            timing.stop(metrics.compileTimer());
            CatalogCache.Compiled compiled = CatalogCache.Compiled.of(json, "\"" + digest(json).substring(0, 40) + "\"",
                    catalog.version(), ArtifactService.pinnedBy(catalog));
            cache.put(key, compiled);
            artifacts.served(certname, compiled.artifacts());
            saw(certname, factsJson, environment, node.roles(), compiled.version());
            return new Outcome.Served(compiled, json, false);
        } catch (ManifestException e) {
            return failed(environment, choice.commit(), certname, e.diagnostics());
        } finally {
            compileSlots.release();
        }
    }

    private void saw(String certname, byte[] factsJson, String environment, List<String> roles, String version) {
        String facts = new String(factsJson, StandardCharsets.UTF_8);
        sightings.saw(certname, facts, environment, roles, version);
        fleet.sighted(certname, facts, environment, roles);
    }

    private Outcome failed(String environment, String commit, String certname, List<Diagnostic> diagnostics) {
        errors.record(environment, commit, certname, diagnostics);
        return new Outcome.Refused(422, "the manifests at " + commit + " (" + environment + ") do not compile for "
                + certname, diagnostics.stream().map(Diagnostic::toString).toList());
    }

    public int cachedCatalogs() {
        return cache.count();
    }

    public long cachedCatalogBytes() {
        return cache.bytes();
    }

    static String digest(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
