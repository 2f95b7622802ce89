package io.kraftwerk.master.compile;

import io.kraftwerk.master.manifest.Location;
import io.kraftwerk.master.manifest.YMap;
import io.kraftwerk.master.manifest.YScalar;
import java.util.List;

/**
 * A role file, {@code roles/NAME.yaml}.
 *
 * @param name      the role name (the file name without {@code .yaml})
 * @param file      the file path
 * @param includes  roles applied before this one
 * @param resources resource declarations: type → title → attributes (interpolated per node)
 * @param location  the document start
 */
record RoleDef(String name, String file, List<YScalar> includes, YMap resources, Location location) {
}
