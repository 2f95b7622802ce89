package io.kraftwerk.master.compile;

import io.kraftwerk.master.manifest.Diagnostics;
import io.kraftwerk.master.manifest.Fields;
import io.kraftwerk.master.manifest.Location;
import io.kraftwerk.master.manifest.ManifestException;
import io.kraftwerk.master.manifest.ManifestFiles;
import io.kraftwerk.master.manifest.YMap;
import io.kraftwerk.master.manifest.YNode;
import io.kraftwerk.master.manifest.YScalar;
import io.kraftwerk.master.manifest.YamlReader;
import io.kraftwerk.model.Suggestions;
import io.kraftwerk.model.trust.TrustedFacts;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Turns a manifests snapshot into a {@link Site}: {@code site.yaml}, {@code roles/*.yaml},
 * {@code data/**.yaml}, {@code facts/*}, {@code templates/**}. Every error in every file is
 * collected before giving up.
 */
public final class SiteParser {
    public static final String SITE_FILE = "site.yaml";
    static final List<String> SITE_KEYS = List.of("default_environment", "nodes", "fleet", "rollout", "dump_access");
    static final List<String> RULE_KEYS = List.of("name", "glob", "regex", "facts", "trusted", "roles", "environment",
            "allow_environments", "data");
    static final List<String> ROLE_KEYS = List.of("description", "include", "resources");
    static final List<String> DATA_KEYS = List.of("data");
    private static final String FLEET_REFERENCE = "fleet";
    private static final Pattern ROLE_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]*");
    private static final Pattern ENVIRONMENT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");

    private final ManifestFiles files;
    private final Diagnostics diagnostics = new Diagnostics();
    private final Fields fields = new Fields(diagnostics);
    private final Set<String> brokenRoles = new TreeSet<>();

    private SiteParser(ManifestFiles files) {
        this.files = files;
    }

    /** Parses everything it can; see {@link Site#problems()} for what it could not. */
    public static Site parse(ManifestFiles files) {
        return new SiteParser(files).parse();
    }

    private Site parse() {
        String defaultEnvironment = "production";
        List<NodeRule> rules = new ArrayList<>();
        if (files.file(SITE_FILE).isEmpty()) {
            diagnostics.error(Location.ofFile(SITE_FILE), "the manifests have no site.yaml",
                    "create site.yaml with 'apiVersion: kraftwerk/v1', 'kind: Site' and a 'nodes:' list");
        }
        Optional<YMap> site = document(SITE_FILE, "Site", SITE_KEYS);
        if (site.isPresent()) {
            defaultEnvironment = fields.scalar(site.get(), "default_environment")
                    .map(s -> environmentName(s).orElse("production")).orElse("production");
            fields.list(site.get(), "nodes").ifPresent(list -> list.items().forEach(item -> rule(item).ifPresent(rules::add)));
        }
        Map<String, RoleDef> roles = roles();
        YMap fleetSection = site.flatMap(s -> fields.map(s, "fleet")).orElse(null);
        Map<String, FleetQuery> fleetQueries = fleetSection == null ? Map.of() : FleetQueryParser.parse(fleetSection, fields);
        if (fleetSection != null) {
            FleetQueryParser.checkRoles(fleetQueries, roles.keySet(), brokenRoles, fleetSection, diagnostics);
        }
        RolloutPolicy rollout = site.flatMap(s -> fields.map(s, "rollout"))
                .flatMap(section -> RolloutPolicyParser.parse(section, fields, roles.keySet(), brokenRoles)).orElse(null);
        List<DumpGrant> dumpAccess = site.flatMap(s -> fields.list(s, "dump_access"))
                .map(section -> DumpGrantParser.parse(section, fields)).orElse(List.of());
        DataLayers data = data(roles);
        Map<String, Facts> facts = facts();
        Map<String, Map<String, String>> trusted = trustedFixtures();
        TemplateSet templates = TemplateSet.parse(files.files(), diagnostics);
        checkRoleReferences(rules, roles);
        return new Site(files, defaultEnvironment, List.copyOf(rules), roles, data, facts, trusted, templates,
                Set.copyOf(brokenRoles), fleetQueries, fleetSection != null || mentions(FLEET_REFERENCE), rollout, dumpAccess,
                diagnostics.sorted(), ForgeableRules.warnings(rules, roles, allData(data, rules)));
    }

    /**
     * Whether any file holds {@code text}: {@code ${fleet.role.NAME}} needs no declaration and a template may reach
     * {@code fleet} under another name ({@code {#let f=fleet}}), so a site reads the fleet if it declares queries or
     * says "fleet" anywhere (a mention in a comment only costs a snapshot per catalog request).
     */
    private boolean mentions(String text) {
        return files.files().values().stream().anyMatch(content -> new String(content, StandardCharsets.ISO_8859_1).contains(text));
    }

    /** Every data map of the site: the files of every level, and the rules' own data. */
    private static List<YMap> allData(DataLayers data, List<NodeRule> rules) {
        List<YMap> all = new ArrayList<>();
        all.add(data.common());
        all.addAll(data.environments().values());
        all.addAll(data.roles().values());
        all.addAll(data.nodes().values());
        rules.forEach(rule -> all.add(rule.data()));
        all.removeIf(Objects::isNull);
        return all;
    }

    /** Reads {@code path} as a document of {@code kind}; empty when absent or unusable (errors recorded). */
    private Optional<YMap> document(String path, String kind, List<String> keys) {
        Optional<byte[]> bytes = files.file(path);
        if (bytes.isEmpty()) {
            return Optional.empty();
        }
        try {
            return fields.document(path, YamlReader.read(path, bytes.get()), kind, keys);
        } catch (ManifestException e) {
            diagnostics.addAll(e.diagnostics());
            return Optional.empty();
        }
    }

    private Optional<NodeRule> rule(YNode item) {
        if (!(item instanceof YMap map)) {
            diagnostics.error(item.location(), "each entry of 'nodes' must be a map, not " + item.describe(),
                    "write e.g. '- name: web1.example.net' followed by 'roles: [web]'");
            return Optional.empty();
        }
        fields.onlyKeys(map, RULE_KEYS, "node rule key");
        List<String> matcherKeys = map.keys().stream().filter(k -> List.of("name", "glob", "regex").contains(k)).toList();
        if (matcherKeys.size() > 1) {
            diagnostics.error(map.location(), "a node rule takes one of 'name', 'glob' or 'regex', found "
                    + String.join(" and ", matcherKeys), "split it into one rule per matcher");
        }
        NodeRule.NameMatcher matcher = null;
        Optional<YScalar> name = fields.scalar(map, "name");
        Optional<YScalar> glob = fields.scalar(map, "glob");
        Optional<YScalar> regex = fields.scalar(map, "regex");
        if (name.isPresent()) {
            matcher = new NodeRule.NameMatcher.Exact(name.get().text());
        } else if (glob.isPresent()) {
            matcher = NodeRule.NameMatcher.Glob.of(glob.get().text());
        } else if (regex.isPresent()) {
            try {
                matcher = new NodeRule.NameMatcher.Regex(Pattern.compile(regex.get().text()));
            } catch (PatternSyntaxException e) {
                diagnostics.error(regex.get().location(), "invalid regular expression: " + e.getDescription()
                        + " near index " + e.getIndex(), "it is a Java regular expression matched against the whole node name");
            }
        }
        List<NodeRule.FactCondition> facts = new ArrayList<>();
        fields.map(map, "facts").ifPresent(f -> f.entries().forEach(e -> {
            List<String> values = fields.stringList(e.value(), e.name()).stream().map(YScalar::text).toList();
            facts.add(new NodeRule.FactCondition(e.name(), values));
        }));
        List<NodeRule.TrustedCondition> trusted = new ArrayList<>();
        fields.map(map, "trusted").ifPresent(f -> f.entries().forEach(e -> {
            // a key no certificate can carry would silently match no node: say so
            String problem = e.name().equals(TrustedFacts.CERTNAME) ? null : TrustedFacts.problem(e.name(), "x");
            if (problem != null) {
                diagnostics.error(e.key().location(), problem, "trusted facts are set by 'kw-master ca sign NAME --trusted KEY=VALUE';"
                        + " 'certname' is the certificate's name");
            }
            List<String> values = fields.stringList(e.value(), e.name()).stream().map(YScalar::text).toList();
            trusted.add(new NodeRule.TrustedCondition(e.name(), values));
        }));
        if (matcher == null && facts.isEmpty() && trusted.isEmpty() && matcherKeys.isEmpty()) {
            diagnostics.error(map.location(), "this node rule matches nothing: it has no 'name', 'glob', 'regex', 'facts'"
                    + " or 'trusted'", "add e.g. 'glob: \"*.example.net\"' to match every node of a domain");
        }
        List<YScalar> roles = fields.stringList(map, "roles");
        YScalar environment = fields.scalar(map, "environment").orElse(null);
        if (environment != null) {
            environmentName(environment);
        }
        List<String> allowed = fields.stringList(map, "allow_environments").stream()
                .map(s -> environmentName(s).orElse(s.text())).toList();
        YMap data = fields.map(map, "data").orElse(null);
        return Optional.of(new NodeRule(matcher, List.copyOf(facts), List.copyOf(trusted), roles, environment, allowed, data,
                map.location()));
    }

    private Optional<String> environmentName(YScalar s) {
        if (ENVIRONMENT_NAME.matcher(s.text()).matches()) {
            return Optional.of(s.text());
        }
        diagnostics.error(s.location(), "invalid environment name '" + s.text() + "'",
                "use letters, digits, '_', '.' or '-' (environments are git branch names)");
        return Optional.empty();
    }

    private Map<String, RoleDef> roles() {
        Map<String, RoleDef> roles = new TreeMap<>();
        for (String path : files.files().keySet()) {
            if (!path.startsWith("roles/")) {
                continue;
            }
            String fileName = path.substring("roles/".length());
            if (!yamlFileName(path, fileName)) {
                continue;
            }
            String name = fileName.substring(0, fileName.length() - ".yaml".length());
            if (!ROLE_NAME.matcher(name).matches()) {
                diagnostics.error(Location.ofFile(path), "invalid role name '" + name + "'",
                        "name role files with lowercase letters, digits, '_' or '-', e.g. roles/web.yaml");
                continue;
            }
            Optional<YMap> doc = document(path, "Role", ROLE_KEYS);
            if (doc.isEmpty()) {
                brokenRoles.add(name);
                continue;
            }
            List<YScalar> includes = fields.stringList(doc.get(), "include");
            YMap resources = fields.map(doc.get(), "resources").orElse(YMap.empty(doc.get().location()));
            roles.put(name, new RoleDef(name, path, includes, resources, doc.get().location()));
        }
        roles.values().forEach(role -> role.includes().forEach(ref -> checkRole(ref, roles)));
        return roles;
    }

    /**
     * Only {@code .yaml} files directly in a known directory are read; anything else there is
     * reported so that a {@code .yml} or a nested folder does not go silently unread.
     */
    private boolean yamlFileName(String path, String fileName) {
        if (fileName.contains("/")) {
            diagnostics.error(Location.ofFile(path), "files in this directory are not read from subdirectories",
                    "move it up to " + path.substring(0, path.indexOf('/') + 1) + fileName.substring(fileName.lastIndexOf('/') + 1));
            return false;
        }
        if (fileName.endsWith(".yml")) {
            diagnostics.error(Location.ofFile(path), "Kraftwerk reads .yaml files",
                    "rename it to " + fileName.substring(0, fileName.length() - 4) + ".yaml");
            return false;
        }
        return fileName.endsWith(".yaml");
    }

    private DataLayers data(Map<String, RoleDef> roles) {
        YMap common = dataFile("data/common.yaml");
        Map<String, YMap> environments = dataDirectory("data/environments/");
        Map<String, YMap> byRole = dataDirectory("data/roles/");
        Map<String, YMap> nodes = dataDirectory("data/nodes/");
        byRole.forEach((role, map) -> {
            if (!roles.containsKey(role) && !brokenRoles.contains(role)) {
                diagnostics.error(Location.ofFile("data/roles/" + role + ".yaml"), "there is no role '" + role + "'",
                        Suggestions.closest(role, roles.keySet()).map(s -> "did you mean data/roles/" + s + ".yaml?")
                                .orElse("data/roles/NAME.yaml belongs to roles/NAME.yaml"));
            }
        });
        for (String path : files.files().keySet()) {
            if (path.startsWith("data/") && !path.equals("data/common.yaml") && !path.startsWith("data/environments/")
                    && !path.startsWith("data/roles/") && !path.startsWith("data/nodes/")) {
                diagnostics.error(Location.ofFile(path), "not a place Kraftwerk reads data from",
                        "data lives in data/common.yaml, data/environments/, data/roles/ and data/nodes/");
            }
        }
        return new DataLayers(common, environments, byRole, nodes);
    }

    private Map<String, YMap> dataDirectory(String directory) {
        Map<String, YMap> layers = new LinkedHashMap<>();
        for (String path : files.files().keySet()) {
            if (path.startsWith(directory) && yamlFileName(path, path.substring(directory.length()))) {
                String name = path.substring(directory.length(), path.length() - ".yaml".length());
                YMap layer = dataFile(path);
                if (layer != null) {
                    layers.put(name, layer);
                }
            }
        }
        return layers;
    }

    private YMap dataFile(String path) {
        return document(path, "Data", DATA_KEYS).map(doc -> fields.map(doc, "data").orElse(YMap.empty(doc.location()))).orElse(null);
    }

    private Map<String, Facts> facts() {
        Map<String, Facts> fixtures = new TreeMap<>();
        fixtureFiles("facts/", List.of(".json", ".yaml"), "facts fixtures are facts/NODE.json or facts/NODE.yaml",
                "capture one with 'kw-agent facts > facts/NODE.json'").forEach((node, file) -> {
                    try {
                        fixtures.put(node, Facts.parse(file.getKey(), file.getValue()));
                    } catch (ManifestException e) {
                        diagnostics.addAll(e.diagnostics());
                    }
                });
        return fixtures;
    }

    /**
     * {@code trusted/NODE.yaml}: the trusted facts a node's certificate will carry, as a flat map
     * ({@code role: db}), so that {@code lint} and offline compiles see the node as the master will.
     */
    private Map<String, Map<String, String>> trustedFixtures() {
        Map<String, Map<String, String>> fixtures = new TreeMap<>();
        fixtureFiles("trusted/", List.of(".yaml"), "trusted-facts fixtures are trusted/NODE.yaml",
                "write the node's trusted facts as a map, e.g. 'role: db'")
                .forEach((node, file) -> trustedFixture(file.getKey(), file.getValue()).ifPresent(f -> fixtures.put(node, f)));
        return fixtures;
    }

    private Optional<Map<String, String>> trustedFixture(String path, byte[] bytes) {
        YNode document;
        try {
            document = YamlReader.read(path, bytes);
        } catch (ManifestException e) {
            diagnostics.addAll(e.diagnostics());
            return Optional.empty();
        }
        if (!(document instanceof YMap map)) {
            diagnostics.error(document.location(), "a trusted-facts fixture is a map of names to values, not "
                    + document.describe(), "write e.g. 'role: db'");
            return Optional.empty();
        }
        Map<String, String> facts = new TreeMap<>();
        for (YMap.Entry e : map.entries()) {
            String problem = e.value() instanceof YScalar value ? TrustedFacts.problem(e.name(), value.text())
                    : "the value of trusted fact '" + e.name() + "' must be text, not " + e.value().describe();
            if (problem != null) {
                diagnostics.error(e.key().location(), problem, "'certname' is the node's name; other facts come from"
                        + " 'kw-master ca sign NAME --trusted KEY=VALUE'");
            } else {
                facts.put(e.name(), ((YScalar) e.value()).text());
            }
        }
        if (facts.size() > TrustedFacts.MAX_FACTS) {
            diagnostics.error(map.location(), "a certificate carries at most " + TrustedFacts.MAX_FACTS + " trusted facts, not "
                    + facts.size(), "keep the facts that rules and manifests use");
            return Optional.empty();
        }
        return Optional.of(Map.copyOf(facts));
    }

    /**
     * The fixture files directly under {@code dir} named {@code NODE} plus one of {@code extensions},
     * by node, each with its path; any other file there is an error saying {@code what} and {@code hint}.
     */
    private Map<String, Map.Entry<String, byte[]>> fixtureFiles(String dir, List<String> extensions, String what, String hint) {
        Map<String, Map.Entry<String, byte[]>> found = new TreeMap<>();
        for (Map.Entry<String, byte[]> file : files.files().entrySet()) {
            String path = file.getKey();
            if (!path.startsWith(dir)) {
                continue;
            }
            String fileName = path.substring(dir.length());
            Optional<String> extension = extensions.stream().filter(fileName::endsWith).findFirst();
            if (extension.isEmpty() || fileName.contains("/")) {
                diagnostics.error(Location.ofFile(path), what, hint);
                continue;
            }
            found.put(fileName.substring(0, fileName.length() - extension.get().length()), file);
        }
        return found;
    }

    private void checkRoleReferences(List<NodeRule> rules, Map<String, RoleDef> roles) {
        rules.forEach(rule -> rule.roles().forEach(ref -> checkRole(ref, roles)));
    }

    private void checkRole(YScalar ref, Map<String, RoleDef> roles) {
        if (!roles.containsKey(ref.text()) && !brokenRoles.contains(ref.text())) {
            diagnostics.error(ref.location(), "there is no role '" + ref.text() + "'",
                    Suggestions.closest(ref.text(), roles.keySet()).map(s -> "did you mean '" + s + "'?")
                            .orElse("create roles/" + ref.text() + ".yaml"));
        }
    }
}
