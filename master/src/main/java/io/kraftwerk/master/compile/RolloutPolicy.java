package io.kraftwerk.master.compile;

import io.kraftwerk.master.manifest.Location;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * How an environment takes a new commit ({@code rollout:} in its branch's site.yaml): the canary nodes
 * get it first, and the others only once every canary has run it without failing, within
 * {@code within}. A canary that fails halts the rollout: the others stay on the last good commit.
 *
 * @param canary   which nodes are the canaries
 * @param within   how long the canaries have to report on the new commit
 * @param location where it is declared
 */
public record RolloutPolicy(Canary canary, Duration within, Location location) {

    /** How the policy reads in a status line: "nodes web1.example.net, within 30m". */
    public String describe() {
        long seconds = within.toSeconds();
        String limit = seconds % 86400 == 0 ? seconds / 86400 + "d" : seconds % 3600 == 0 ? seconds / 3600 + "h"
                : seconds % 60 == 0 ? seconds / 60 + "m" : seconds + "s";
        return canary.describe() + ", within " + limit;
    }

    /** Which nodes are the canaries: by name, a glob, a role, or a share of the environment's nodes. */
    public sealed interface Canary {
        /** Exactly these nodes. */
        record Names(List<String> names) implements Canary {
            public String describe() {
                return "nodes " + String.join(", ", names);
            }

            public boolean covers(FleetNode node) {
                return names.contains(node.certname());
            }
        }

        /** Nodes whose name matches. */
        record Glob(String glob) implements Canary {
            public String describe() {
                return "nodes matching " + glob;
            }

            public boolean covers(FleetNode node) {
                return NodeRule.NameMatcher.Glob.of(glob).matches(node.certname());
            }
        }

        /** Nodes that hold the role. */
        record Role(String role) implements Canary {
            public String describe() {
                return "nodes with role " + role;
            }

            public boolean covers(FleetNode node) {
                return node.roles().contains(role);
            }
        }

        /**
         * This share of the environment's nodes (at least one), the same ones every time: those whose
         * names hash lowest, so a node is a canary for every commit or for none.
         */
        record Percent(int percent) implements Canary {
            public String describe() {
                return percent + "% of the nodes";
            }

            public boolean covers(FleetNode node) {
                return true;
            }
        }

        /** How the policy names them, for status lines. */
        String describe();

        /** Whether the node is one the policy names (percentages choose among all: see {@link #canaries}). */
        boolean covers(FleetNode node);
    }

    /**
     * The canaries among the environment's nodes: those the policy names that report (a silent node
     * cannot show whether the new commit works; a failing one can: the fix for its failure is what the
     * next commit may be), sorted by name.
     */
    public List<String> canaries(List<FleetNode> environmentNodes) {
        List<FleetNode> reporting = environmentNodes.stream().filter(n -> n.standing() != FleetNode.Standing.UNRESPONSIVE).toList();
        List<FleetNode> chosen = reporting.stream().filter(canary::covers).toList();
        if (canary instanceof Canary.Percent p) {
            chosen = chosen.stream().sorted(Comparator.comparing(node -> hash(node.certname())))
                    .limit(chosen.isEmpty() ? 0 : Math.max(1, (long) Math.ceil(chosen.size() * p.percent() / 100.0))).toList();
        }
        return chosen.stream().map(FleetNode::certname).sorted().toList();
    }

    private static String hash(String name) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
