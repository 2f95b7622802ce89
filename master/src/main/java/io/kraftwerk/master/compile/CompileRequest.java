package io.kraftwerk.master.compile;

import java.util.Map;
import java.util.TreeMap;

/**
 * What to compile.
 *
 * @param node        the node's certname
 * @param facts       the node's facts; null uses the site's fixture for the node, or none
 * @param environment the environment asked for; null takes the node's classified environment
 * @param trusted     the trusted facts of the node's certificate (certname aside, which is always the node)
 * @param artifacts   what the artifact store holds, for {@code artifact:} requirements; null is an empty store
 * @param secrets     opens the {@code ENC[...]} values the catalog uses; null opens none
 * @param fleet       the other nodes, for {@code ${fleet.…}}; null takes the site's fixtures ({@link FleetFixtures}),
 *                    as null facts take the node's
 */
public record CompileRequest(String node, Facts facts, String environment, Map<String, String> trusted, ArtifactIndex artifacts,
                             SecretOpener secrets, FleetSnapshot fleet) {
    public CompileRequest {
        trusted = trusted == null ? Map.of() : Map.copyOf(trusted);
        artifacts = artifacts == null ? ArtifactIndex.EMPTY : artifacts;
        secrets = secrets == null ? SecretOpener.NONE : secrets;
    }

    /** A request with the site's fixtures as its fleet. */
    public CompileRequest(String node, Facts facts, String environment, Map<String, String> trusted, ArtifactIndex artifacts,
                          SecretOpener secrets) {
        this(node, facts, environment, trusted, artifacts, secrets, null);
    }

    /** A request without secrets. */
    public CompileRequest(String node, Facts facts, String environment, Map<String, String> trusted, ArtifactIndex artifacts) {
        this(node, facts, environment, trusted, artifacts, null);
    }

    /** A request without an artifact store. */
    public CompileRequest(String node, Facts facts, String environment, Map<String, String> trusted) {
        this(node, facts, environment, trusted, null);
    }

    /** A request for a node without trusted facts beyond its name. */
    public CompileRequest(String node, Facts facts, String environment) {
        this(node, facts, environment, Map.of());
    }

    /** What rules and {@code ${trusted.…}} see: the certificate's facts and its name. */
    Map<String, String> trustedWithName() {
        Map<String, String> all = new TreeMap<>(trusted);
        all.put("certname", node);
        return all;
    }
}
