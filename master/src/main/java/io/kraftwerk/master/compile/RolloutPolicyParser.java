package io.kraftwerk.master.compile;

import io.kraftwerk.master.manifest.Diagnostics;
import io.kraftwerk.master.manifest.Fields;
import io.kraftwerk.master.manifest.YMap;
import io.kraftwerk.master.manifest.YScalar;
import io.kraftwerk.model.Suggestions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads {@code rollout:} of site.yaml into a {@link RolloutPolicy}, reporting every mistake at its place. */
final class RolloutPolicyParser {
    static final List<String> KEYS = List.of("canary", "within");
    static final List<String> CANARY_KEYS = List.of("nodes", "glob", "role", "percent");
    static final Duration DEFAULT_WITHIN = Duration.ofHours(1);
    private static final Pattern DURATION = Pattern.compile("([1-9][0-9]{0,5})([smhd])");

    private RolloutPolicyParser() {
    }

    static Optional<RolloutPolicy> parse(YMap section, Fields fields, Set<String> roles, Set<String> brokenRoles) {
        Diagnostics diagnostics = fields.diagnostics();
        int before = diagnostics.count();
        fields.onlyKeys(section, KEYS, "rollout key");
        Duration within = DEFAULT_WITHIN;
        Optional<YScalar> withinValue = fields.scalar(section, "within");
        if (withinValue.isPresent()) {
            Matcher m = DURATION.matcher(withinValue.get().text());
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                within = switch (m.group(2)) {
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
            } else {
                diagnostics.error(withinValue.get().location(), "rollout: within '" + withinValue.get().text()
                        + "' is not a duration such as 90s, 30m, 2h or 1d", "the time the canaries have to report on the new commit");
            }
        }
        Optional<YMap> canaryMap = fields.map(section, "canary");
        if (canaryMap.isEmpty()) {
            diagnostics.error(section.location(), "a rollout needs 'canary': the nodes that take a new commit first",
                    "write e.g. 'canary: {nodes: [web1.example.net]}', {glob: ...}, {role: ...} or {percent: 10}");
            return Optional.empty();
        }
        YMap map = canaryMap.get();
        fields.onlyKeys(map, CANARY_KEYS, "canary key");
        List<String> given = map.keys().stream().filter(CANARY_KEYS::contains).toList();
        if (given.size() != 1) {
            diagnostics.error(map.location(), "'canary' takes one of nodes, glob, role or percent" + (given.isEmpty() ? ""
                    : ", found " + String.join(" and ", given)), "name the canaries one way");
            return Optional.empty();
        }
        RolloutPolicy.Canary canary = switch (given.get(0)) {
            case "nodes" -> new RolloutPolicy.Canary.Names(fields.stringList(map, "nodes").stream().map(YScalar::text).toList());
            case "glob" -> fields.scalar(map, "glob").map(g -> (RolloutPolicy.Canary) new RolloutPolicy.Canary.Glob(g.text())).orElse(null);
            case "role" -> fields.scalar(map, "role").map(r -> {
                if (!roles.contains(r.text()) && !brokenRoles.contains(r.text())) {
                    diagnostics.error(r.location(), "rollout canary: no role '" + r.text() + "'",
                            Suggestions.closest(r.text(), roles).map(s -> "did you mean '" + s + "'?").orElse("roles are the files under roles/"));
                }
                return (RolloutPolicy.Canary) new RolloutPolicy.Canary.Role(r.text());
            }).orElse(null);
            default -> fields.scalar(map, "percent").map(p -> {
                if (!p.text().matches("[1-9][0-9]{0,2}") || Integer.parseInt(p.text()) > 100) {
                    diagnostics.error(p.location(), "rollout canary: percent '" + p.text() + "' is not a whole number from 1 to 100",
                            "e.g. 'percent: 10' for a tenth of the environment's nodes");
                    return null;
                }
                return (RolloutPolicy.Canary) new RolloutPolicy.Canary.Percent(Integer.parseInt(p.text()));
            }).orElse(null);
        };
        if (canary == null || diagnostics.count() > before) {
            return Optional.empty();
        }
        if (canary instanceof RolloutPolicy.Canary.Names n && n.names().isEmpty()) {
            diagnostics.error(map.location(), "rollout canary: 'nodes' names no node", "list the canaries' certnames");
            return Optional.empty();
        }
        return Optional.of(new RolloutPolicy(canary, within, section.location()));
    }
}
