package io.kraftwerk.master.store;

import java.util.List;

/**
 * A commit did not compile (a CDI event, fired once per failure as the log records it).
 *
 * @param node the node it did not compile for, or null when the manifests themselves do not parse
 */
public record CompileFailed(String environment, String commit, String node, List<String> errors) {
}
