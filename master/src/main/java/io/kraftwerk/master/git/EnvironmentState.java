package io.kraftwerk.master.git;

import io.kraftwerk.master.compile.Site;
import java.time.Instant;

/**
 * One environment as the master serves it: a branch at a commit, parsed.
 *
 * @param name     the environment (branch) name
 * @param commit   the commit id, which is the catalog version
 * @param site     the parsed manifests (site.problems() lists what did not parse)
 * @param loadedAt when the master read this commit
 */
public record EnvironmentState(String name, String commit, Site site, Instant loadedAt) {
}
