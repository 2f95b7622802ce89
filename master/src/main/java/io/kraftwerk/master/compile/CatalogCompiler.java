package io.kraftwerk.master.compile;

import io.kraftwerk.master.manifest.Diagnostic;
import io.kraftwerk.master.manifest.Diagnostics;
import io.kraftwerk.master.manifest.Location;
import io.kraftwerk.master.manifest.ManifestException;
import io.kraftwerk.master.manifest.YList;
import io.kraftwerk.master.manifest.YMap;
import io.kraftwerk.master.manifest.YNode;
import io.kraftwerk.master.manifest.YScalar;
import io.kraftwerk.model.catalog.Catalog;
import io.kraftwerk.model.catalog.CatalogCheck;
import io.kraftwerk.model.catalog.CatalogResource;
import io.kraftwerk.model.catalog.Edge;
import io.kraftwerk.model.resource.ResourceId;
import io.kraftwerk.model.validation.Hostname;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Compiles one node's catalog from a parsed {@link Site}: classify, order roles, layer data,
 * declare (interpolating and expanding composites), relate, order. A pure function of its inputs:
 * no I/O, no clock, no randomness, so the same inputs give a byte-identical catalog. All errors
 * are collected and thrown together.
 */
public final class CatalogCompiler {
    private static final Pattern CERTNAME = Pattern.compile(Hostname.REGEXP);

    private CatalogCompiler() {
    }

    public static Catalog compile(Site site, CompileRequest request) throws ManifestException {
        String node = request.node();
        if (node == null || !CERTNAME.matcher(node).matches() || node.startsWith("*")) {
            throw new ManifestException(new Diagnostic(null, "'" + node + "' is not a valid node name",
                    "node names are lowercase DNS names such as web1.example.net"));
        }
        Facts facts = request.facts() != null ? request.facts() : site.factFixtures().getOrDefault(node, Facts.empty());
        Diagnostics diagnostics = new Diagnostics();
        diagnostics.addAll(site.problems());
        int before = diagnostics.count();
        Classifier.Classification classification =
                Classifier.classify(site, node, facts, request.trustedWithName(), request.environment(), diagnostics);
        if (diagnostics.count() > before) {
            // a node classified wrongly is compiled no further: its roles' values (encrypted ones among them) are not
            // for it, and not even opened
            throw new ManifestException(diagnostics.sorted());
        }
        List<RoleDef> roles = RoleExpander.expand(site.roles(), classification.roles(), diagnostics);
        YMap data = DataMerger.merge(dataLayers(site, node, classification, roles));
        FleetData fleet = new FleetData(site.fleetQueries(), site.roles().keySet(),
                request.fleet() != null ? () -> request.fleet() : () -> FleetFixtures.of(site), classification.environment());
        Interpolator interpolator = new Interpolator(data, facts, nodeInfo(node, classification.environment(), roles),
                trustedInfo(request.trustedWithName()), request.secrets(), fleet, classification.environment(), diagnostics);
        Declarer declarer = new Declarer(site, interpolator, request.artifacts(), diagnostics);
        roles.forEach(declarer::declareRole);
        DeclarationSet declarations = declarer.declarations();
        List<EdgeSpec> edges = new ArrayList<>(new ExplicitEdges(declarations, diagnostics).edges());
        if (diagnostics.hasErrors()) {
            throw new ManifestException(diagnostics.sorted());
        }
        edges.addAll(ImplicitEdges.compute(declarations.all()));
        Graph graph = new Graph(declarations.all(), edges);
        List<Declaration> order = graph.sort(diagnostics);
        if (order == null || diagnostics.hasErrors()) {
            throw new ManifestException(diagnostics.sorted());
        }
        Catalog catalog = assemble(site, node, classification.environment(), order, graph.edges(), fleet.digest());
        List<String> problems = CatalogCheck.problems(catalog);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("the compiled catalog is inconsistent (this is a Kraftwerk bug, please report it): "
                    + problems);
        }
        return catalog;
    }

    /**
     * The digest of what any compile of {@code site} could read of {@code fleet}: part of a catalog
     * cache key, for equal digests give equal catalogs (other inputs equal). See {@link FleetData#viewDigest}.
     */
    public static String fleetView(Site site, FleetSnapshot fleet) {
        return FleetData.viewDigest(site, fleet);
    }

    /**
     * The environment a node belongs to and the others its agent may ask for, as the site
     * classifies it (for a master choosing which branch to compile from).
     */
    public record NodeEnvironment(String environment, Set<String> allowed, List<String> roles) {
        public boolean permits(String requested) {
            return requested == null || requested.equals(environment) || allowed.contains(requested);
        }
    }

    public static NodeEnvironment environment(Site site, CompileRequest request) throws ManifestException {
        String node = request.node();
        Facts facts = request.facts();
        Map<String, String> trusted = request.trustedWithName();
        Diagnostics diagnostics = new Diagnostics();
        Classifier.Classification c = Classifier.classify(site, node, facts == null ? Facts.empty() : facts, trusted, null,
                diagnostics);
        if (diagnostics.hasErrors()) {
            throw new ManifestException(diagnostics.sorted());
        }
        Set<String> allowed = new TreeSet<>();
        for (NodeRule rule : site.rules()) {
            if (rule.matches(node, facts == null ? Facts.empty() : facts, trusted)) {
                allowed.addAll(rule.allowEnvironments());
            }
        }
        return new NodeEnvironment(c.environment(), allowed, c.roles().stream().map(YScalar::text).toList());
    }

    private static List<YMap> dataLayers(Site site, String node, Classifier.Classification c, List<RoleDef> roles) {
        List<YMap> layers = new ArrayList<>();
        layers.add(site.data().common());
        layers.add(site.data().environments().get(c.environment()));
        roles.forEach(role -> layers.add(site.data().roles().get(role.name())));
        layers.addAll(c.ruleData());
        layers.add(site.data().nodes().get(node));
        return layers;
    }

    private static YMap nodeInfo(String node, String environment, List<RoleDef> roles) {
        Location where = Location.ofFile("node");
        List<YNode> roleNames = roles.stream().map(r -> (YNode) YScalar.string(r.name(), where)).toList();
        return new YMap(List.of(
                new YMap.Entry(YScalar.string("name", where), YScalar.string(node, where)),
                new YMap.Entry(YScalar.string("environment", where), YScalar.string(environment, where)),
                new YMap.Entry(YScalar.string("roles", where), new YList(roleNames, where))), where);
    }

    private static YMap trustedInfo(Map<String, String> trusted) {
        Location where = Location.ofFile("the node's certificate");
        List<YMap.Entry> entries = new ArrayList<>();
        trusted.forEach((k, v) -> entries.add(new YMap.Entry(YScalar.string(k, where), YScalar.string(v, where))));
        return new YMap(entries, where);
    }

    private static Catalog assemble(Site site, String node, String environment, List<Declaration> order,
                                    List<EdgeSpec> edges, String fleetDigest) {
        Map<ResourceId, Integer> position = new HashMap<>();
        List<CatalogResource> resources = new ArrayList<>(order.size());
        for (Declaration d : order) {
            position.put(d.id(), resources.size());
            resources.add(CatalogResource.of(d.resource(), d.meta().audit(), d.meta().tags(), d.provenance()));
        }
        List<Edge> catalogEdges = edges.stream()
                .sorted(Comparator.comparingInt((EdgeSpec e) -> position.get(e.from()))
                        .thenComparingInt(e -> position.get(e.to())))
                .map(e -> new Edge(e.from().toString(), e.to().toString(), e.kind(), e.reason()))
                .toList();
        return new Catalog(Catalog.FORMAT_VERSION, node, environment, site.version(), resources, catalogEdges, fleetDigest);
    }
}
