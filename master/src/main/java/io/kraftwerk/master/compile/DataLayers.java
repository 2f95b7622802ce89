package io.kraftwerk.master.compile;

import io.kraftwerk.master.manifest.YMap;
import java.util.Map;

/**
 * The data files of a site, by hierarchy level. Each value is the file's {@code data:} map.
 *
 * @param common       {@code data/common.yaml}, or null
 * @param environments {@code data/environments/ENV.yaml} by environment
 * @param roles        {@code data/roles/ROLE.yaml} by role
 * @param nodes        {@code data/nodes/NODE.yaml} by node name
 */
record DataLayers(YMap common, Map<String, YMap> environments, Map<String, YMap> roles, Map<String, YMap> nodes) {
}
