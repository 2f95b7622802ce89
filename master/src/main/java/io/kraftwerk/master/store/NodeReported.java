package io.kraftwerk.master.store;

import java.time.Instant;

/**
 * A report became its node's latest (a CDI event, fired in the storing transaction: observe it after
 * success).
 *
 * @param previous how the node stood before: its last report's status, unresponsive when that is older
 *                 than twice the run interval, null when it never reported
 */
public record NodeReported(String certname, String environment, NodeStatus previous, NodeStatus status, long reportId,
                           String catalogVersion, Instant at) {
}
