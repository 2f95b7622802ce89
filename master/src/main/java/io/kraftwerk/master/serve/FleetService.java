package io.kraftwerk.master.serve;

import com.fasterxml.jackson.core.type.TypeReference;
import io.kraftwerk.master.compile.CatalogCompiler;
import io.kraftwerk.master.compile.Facts;
import io.kraftwerk.master.compile.FleetNode;
import io.kraftwerk.master.compile.FleetSnapshot;
import io.kraftwerk.master.compile.Site;
import io.kraftwerk.master.settings.MasterConfig;
import io.kraftwerk.master.store.NodeRoster;
import io.kraftwerk.model.json.ModelJson;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The fleet as catalogs see it ({@code ${fleet.…}}): every node's environment, roles, facts and
 * standing, kept in memory and handed to each compile as one immutable {@link FleetSnapshot}.
 *
 * <p>It learns from what this master sees — a catalog request's facts, environment and roles at once,
 * a stored report by the node's row as the report writer left it — and reads the whole node table every
 * {@code kraftwerk.master.fleet-refresh} (30 s) for what other masters sharing the database saw. A node
 * stands as failed when its last report failed, and as unresponsive when it has not reported for
 * twice the run interval (or ever); the snapshot is made again when one of these changes, or when
 * a node's silence crosses that line.
 */
@ApplicationScoped
public class FleetService {
    private static final Logger LOG = Logger.getLogger(FleetService.class);

    @Inject
    NodeRoster roster;

    @Inject
    MasterConfig config;

    @Inject
    CaService ca;

    Clock clock = Clock.systemUTC();

    /** What the master knows of one node. */
    private record Member(String environment, List<String> roles, String factsJson, Facts facts, Instant factsAt,
                          Instant lastReportAt, String lastStatus) {
    }

    /** A snapshot made at a version of the members, good until a node's silence makes it unresponsive. */
    private record Built(long version, long factsVersion, Set<String> revoked, Instant builtAt, Instant validUntil,
                         FleetSnapshot snapshot, Map<String, String> views) {
    }

    /**
     * Facts alone (a node's values, its membership and standing unchanged) make a new snapshot at most
     * this often: a fact that changes on every run (a custom counter) must not rebuild the fleet on every
     * catalog request.
     */
    static final Duration FACTS_SETTLE = Duration.ofSeconds(1);

    private final Map<String, Member> members = new ConcurrentHashMap<>();
    /** Bumped when a node joins, leaves, moves, changes roles or standing: the next snapshot shows it at once. */
    private volatile long version;
    /** Bumped when only a node's facts changed. */
    private volatile long factsVersion;
    private volatile Built built;
    private volatile boolean loaded;

    /** The fleet now. */
    public FleetSnapshot snapshot() {
        return current().snapshot();
    }

    /** The digest of what a compile of {@code site} could read of {@link #snapshot()}: part of the catalog cache key. */
    public String view(Site site, FleetSnapshot snapshot) {
        Built b = built;
        if (b != null && b.snapshot() == snapshot) {
            // by the site's version (its commit), not the Site: a record's hash would walk every manifest on every request
            return b.views().computeIfAbsent(site.version(), v -> CatalogCompiler.fleetView(site, snapshot));
        }
        return CatalogCompiler.fleetView(site, snapshot);
    }

    private Built current() {
        if (!loaded) {
            reload();
        }
        Instant now = clock.instant();
        Set<String> revoked = ca.revokedNames();
        Built b = built;
        if (usable(b, now, revoked)) {
            return b;
        }
        synchronized (this) {
            b = built;
            if (usable(b, now, revoked)) {
                return b;
            }
            long at = version;
            long factsAt = factsVersion;
            Duration silence = config.runInterval().multipliedBy(2);
            Instant cutoff = now.minus(silence);
            Instant validUntil = now.plus(silence);
            List<FleetNode> nodes = new ArrayList<>(members.size());
            for (Map.Entry<String, Member> e : members.entrySet()) {
                if (revoked.contains(e.getKey())) {
                    continue; // revoked or cleaned: gone from the fleet at once, not after twice the run interval
                }
                Member m = e.getValue();
                FleetNode.Standing standing;
                if (m.lastReportAt() == null || m.lastReportAt().isBefore(cutoff)) {
                    standing = FleetNode.Standing.UNRESPONSIVE;
                } else {
                    standing = "failed".equals(m.lastStatus()) ? FleetNode.Standing.FAILED : FleetNode.Standing.REPORTING;
                    Instant silentAt = m.lastReportAt().plus(silence);
                    if (silentAt.isBefore(validUntil)) {
                        validUntil = silentAt;
                    }
                }
                nodes.add(new FleetNode(e.getKey(), m.environment(), m.roles(), m.facts(), standing));
            }
            b = new Built(at, factsAt, revoked, now, validUntil, new FleetSnapshot(nodes), new ConcurrentHashMap<>());
            built = b;
            return b;
        }
    }

    /** Whether the last snapshot still stands: nothing but facts changed since (and that for under a second), no silence crossed. */
    private boolean usable(Built b, Instant now, Set<String> revoked) {
        return b != null && b.version() == version && now.isBefore(b.validUntil()) && b.revoked().equals(revoked)
                && (b.factsVersion() == factsVersion || now.isBefore(b.builtAt().plus(FACTS_SETTLE)));
    }

    /** The environment the node was last seen in (its catalog request, its report, or another master's), if known. */
    public Optional<String> environment(String certname) {
        current(); // the fleet is read from the database before its first use
        Member member = members.get(certname);
        return member == null ? Optional.empty() : Optional.of(member.environment());
    }

    /** A catalog request told the node's facts, environment and roles. */
    public void sighted(String certname, String factsJson, String environment, List<String> roles) {
        Member old = members.get(certname);
        if (old != null && old.environment().equals(environment) && old.roles().equals(roles) && factsJson.equals(old.factsJson())) {
            return;
        }
        Facts parsed = old != null && factsJson.equals(old.factsJson()) ? old.facts() : parse(certname, factsJson);
        synchronized (this) {
            Member current = members.get(certname);
            Facts facts = current != null && factsJson.equals(current.factsJson()) ? current.facts() : parsed;
            members.put(certname, new Member(environment, List.copyOf(roles), factsJson, facts, clock.instant(),
                    current == null ? null : current.lastReportAt(), current == null ? null : current.lastStatus()));
            if (current == null || !current.environment().equals(environment) || !current.roles().equals(roles)) {
                version++;
            } else {
                factsVersion++;
            }
        }
    }

    /** A report of the node was stored: its row, as the storing transaction left it, says how it stands. */
    public void reported(NodeRoster.Row row) {
        try {
            merge(row, null);
        } catch (RuntimeException e) {
            LOG.warnf(e, "could not take in the report of %s; the fleet learns of it within %s", row.certname(), config.fleetRefresh());
        }
    }

    /** Reads the node table now (a rollout picks its canaries from it), rather than at the next refresh. */
    public void reloadNow() {
        reload();
    }

    /** Reads every node's row, and the facts of those whose facts changed. */
    @Scheduled(every = "${kraftwerk.master.fleet-refresh:30s}", delayed = "${kraftwerk.master.fleet-refresh:30s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    synchronized void reload() {
        try {
            List<NodeRoster.Row> rows = roster.rows();
            List<String> stale = new ArrayList<>();
            for (NodeRoster.Row row : rows) {
                Member m = members.get(row.certname());
                if (m == null || m.factsAt() == null || row.factsAt().isAfter(m.factsAt())) {
                    stale.add(row.certname());
                }
            }
            Map<String, String> facts = stale.isEmpty() ? Map.of() : roster.facts(stale);
            for (NodeRoster.Row row : rows) {
                merge(row, facts.get(row.certname()));
            }
            loaded = true;
        } catch (RuntimeException e) {
            LOG.warnf(e, "could not read the node table for the fleet snapshot; trying again in %s", config.fleetRefresh());
            loaded = true; // catalogs are served meanwhile, with what this master saw itself
        }
    }

    /** Takes what a row says; its facts only when newer than what this master saw (given, or read now). */
    private synchronized void merge(NodeRoster.Row row, String factsJson) {
        Member old = members.get(row.certname());
        boolean newerFacts = old == null || old.factsAt() == null || row.factsAt().isAfter(old.factsAt());
        String json = old == null ? null : old.factsJson();
        Facts facts = old == null ? Facts.empty() : old.facts();
        String environment = old == null ? row.environment() : old.environment();
        List<String> roles = old == null ? roles(row.roles()) : old.roles();
        Instant factsAt = old == null ? row.factsAt() : old.factsAt();
        if (newerFacts) {
            String fresh = factsJson != null ? factsJson : roster.facts(List.of(row.certname())).get(row.certname());
            if (fresh != null && !fresh.equals(json)) {
                facts = parse(row.certname(), fresh);
                json = fresh;
            }
            factsAt = row.factsAt();
            environment = row.environment();
            roles = roles(row.roles());
        }
        if (old == null || old.lastReportAt() == null || (row.lastReportAt() != null && !row.lastReportAt().isBefore(old.lastReportAt()))) {
            // a newer report says better which environment the node runs
            environment = row.environment();
        }
        Instant lastReportAt = latest(row.lastReportAt(), old == null ? null : old.lastReportAt());
        String lastStatus = Objects.equals(lastReportAt, row.lastReportAt()) ? row.lastStatus() : old.lastStatus();
        Member now = new Member(environment, roles, json, facts, factsAt, lastReportAt, lastStatus);
        members.put(row.certname(), now);
        Instant cutoff = clock.instant().minus(config.runInterval().multipliedBy(2));
        if (old == null || !environment.equals(old.environment()) || !roles.equals(old.roles())
                || "failed".equals(lastStatus) != "failed".equals(old.lastStatus()) || silent(old, cutoff) != silent(now, cutoff)) {
            version++; // membership or standing: a node back from silence is back at once
        } else if (!Objects.equals(json, old.factsJson())) {
            factsVersion++;
        }
    }

    private static boolean silent(Member m, Instant cutoff) {
        return m.lastReportAt() == null || m.lastReportAt().isBefore(cutoff);
    }

    private static Instant latest(Instant a, Instant b) {
        return a == null ? b : b == null ? a : a.isAfter(b) ? a : b;
    }

    private static List<String> roles(String stored) {
        return stored == null ? List.of() : Arrays.stream(stored.split(",")).filter(r -> !r.isEmpty()).toList();
    }

    private static Facts parse(String certname, String json) {
        if (json == null) {
            return Facts.empty();
        }
        try {
            Map<String, Object> values = ModelJson.mapper().readValue(json, new TypeReference<HashMap<String, Object>>() { });
            return values == null ? Facts.empty() : Facts.of(values, "facts of " + certname);
        } catch (IOException e) {
            return Facts.empty(); // stored facts were checked when they came in; a row damaged since counts as none
        }
    }
}
