package io.kraftwerk.agent.engine;

import io.kraftwerk.model.report.CatalogSource;

/**
 * How to run.
 *
 * @param noop              plan and report only: nothing on the node changes, no state is written
 * @param catalogSource     where the catalog came from, for the report
 * @param catalogSourceNote why a cached catalog is used, or empty
 */
public record RunOptions(boolean noop, CatalogSource catalogSource, String catalogSourceNote) {
}
