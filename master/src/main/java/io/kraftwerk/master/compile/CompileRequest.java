package io.kraftwerk.master.compile;

/**
 * What to compile.
 *
 * @param node        the node's certname
 * @param facts       the node's facts; null uses the site's fixture for the node, or none
 * @param environment the environment asked for; null takes the node's classified environment
 */
public record CompileRequest(String node, Facts facts, String environment) {
}
