package io.kraftwerk.master.settings;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** {@code kraftwerk.master.*}: set by {@code kw-master serve} from its options, or in application.properties. */
@ConfigMapping(prefix = "kraftwerk.master")
public interface MasterConfig {
    /** CA, TLS files, admin token, reports, the manifests mirror. */
    Path dataDir();

    /** The manifests: a git repository path (bare or work tree) or a URL to mirror. */
    String manifests();

    /** The branch whose site.yaml classifies nodes (and their default environment). */
    @WithDefault("production")
    String defaultEnvironment();

    /** How often the manifests repository is checked for new commits. */
    @WithDefault("15s")
    Duration pollInterval();

    /** Autosign requests carrying this token (off when absent). */
    Optional<String> autosignToken();

    /** Autosign certnames matching these globs (off when absent). */
    Optional<List<String>> autosignGlobs();

    /** Catalog and report requests in progress beyond which new ones get 429. */
    @WithDefault("512")
    int maxInflight();

    @WithDefault("1048576")
    int maxFactsBytes();

    @WithDefault("16777216")
    int maxReportBytes();

    /** Catalog compiles that may run at once (default: one per core); more requests wait their turn. */
    Optional<Integer> compileThreads();

    /**
     * The largest file the artifact store accepts. Uploads over the admin API are also bounded by
     * {@code quarkus.http.limits.max-body-size}; {@code kw-master artifacts add} on the master's host is not.
     */
    @WithDefault("536870912")
    long maxArtifactBytes();

    /**
     * Bytes of compiled catalogs kept for agents that do not have them yet. An agent whose catalog is
     * unchanged needs only its ETag, which {@link #catalogCacheEntries()} remembers beyond these.
     */
    @WithDefault("16777216")
    long catalogCacheBytes();

    /** Compiled catalogs remembered by ETag (a few hundred bytes each), so that unchanged ones are answered 304 without a compile. */
    @WithDefault("20000")
    int catalogCacheEntries();

    /** The agents' run interval: a node without a report for twice this long is unresponsive. */
    @WithDefault("30m")
    Duration runInterval();

    /**
     * How often the fleet snapshot ({@code ${fleet.…}} in manifests) reads the whole node table, for
     * what other masters sharing the database saw; what this master sees itself counts at once.
     */
    @WithDefault("30s")
    Duration fleetRefresh();

    /** The webhooks file; default DATA/webhooks.yaml (none when it does not exist). */
    Optional<Path> webhooks();

    /** The first retry of a failed webhook delivery; each later one waits three times longer, at most an hour, eight tries in all. */
    @WithDefault("10s")
    Duration webhookRetry();

    /** How often the master looks for nodes that fell silent, to alert the webhooks. */
    @WithDefault("60s")
    Duration alertCheck();

    /** How long reports, events and compile errors are kept. */
    @WithDefault("30d")
    Duration reportRetention();

    /** Anonymous CA requests (signing requests, fetching certificates) one address may make a minute. */
    @WithDefault("120")
    int caRequestsPerMinute();

    /** Signing requests the CA keeps waiting for an operator; new ones beyond get 503. */
    @WithDefault("1000")
    int maxPendingRequests();

    /** How far in the future a report's start may lie (the node's clock running ahead) before it is refused. */
    @WithDefault("5m")
    Duration reportClockSkew();

    /** The largest app dump a node may push (kw-agent data push), in bytes. */
    @WithDefault("107374182400")
    long dumpMaxBytes();

    /** How many dumps of each node's app are kept; the oldest beyond go. */
    @WithDefault("7")
    int dumpKeep();

    /** How long a dump is kept at most. */
    @WithDefault("30d")
    Duration dumpRetention();

    /** DNS names the master's certificate carries (renewed to match). */
    List<String> serverNames();

    Optional<List<String>> serverIps();
}
