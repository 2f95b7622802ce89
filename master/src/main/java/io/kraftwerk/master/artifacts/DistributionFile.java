package io.kraftwerk.master.artifacts;

import io.kraftwerk.master.compile.composite.ArtifactRequirement;
import io.kraftwerk.model.resource.ArtifactRef;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a file name says about the distribution it holds: a wheel (PEP 427,
 * {@code name-version(-build)?-python-abi-platform.whl}) or a source archive
 * ({@code name-version.tar.gz} or {@code .zip}). Anything else, and anything that looks like a
 * path, is refused: the name is all pip goes by when it picks a file.
 *
 * @param filename the file name, as stored and as pip sees it
 * @param name     the distribution's name, normalised (PEP 503)
 * @param version  its version, as the file name spells it
 */
public record DistributionFile(String filename, String name, String version) {
    private static final String NAME = "[A-Za-z0-9](?:[A-Za-z0-9._]*[A-Za-z0-9])?";
    private static final String VERSION = "[0-9][A-Za-z0-9.+!_]*";
    private static final String TAG = "[A-Za-z0-9._]+";
    private static final Pattern WHEEL = Pattern.compile("(" + NAME + ")-(" + VERSION + ")(?:-[0-9][A-Za-z0-9_.]*)?-" + TAG + "-" + TAG
            + "-" + TAG + "\\.whl");
    private static final Pattern SDIST = Pattern.compile("(" + NAME.replace("._", "._-") + ")-(" + VERSION + ")\\.(?:tar\\.gz|zip)");
    private static final Pattern FILENAME = Pattern.compile(ArtifactRef.FILENAME);

    /** @throws ArtifactException (bad request) naming what is wrong with {@code filename} */
    public static DistributionFile parse(String filename) throws ArtifactException {
        if (filename == null || filename.isEmpty()) {
            throw ArtifactException.badRequest("an artifact needs its file name (e.g. kwhello-1.0.0-py3-none-any.whl)");
        }
        if (filename.contains("/") || filename.contains("\\") || filename.startsWith(".") || filename.chars().anyMatch(c -> c < 0x20)) {
            throw ArtifactException.badRequest("'" + printable(filename) + "' is not a file name: give the name alone, without"
                    + " a directory, such as kwhello-1.0.0-py3-none-any.whl");
        }
        Matcher wheel = WHEEL.matcher(filename);
        Matcher sdist = SDIST.matcher(filename);
        Matcher m = wheel.matches() ? wheel : sdist.matches() ? sdist : null;
        if (m == null || !FILENAME.matcher(filename).matches()) {
            throw ArtifactException.badRequest("'" + printable(filename) + "' is not the file name of a wheel"
                    + " (NAME-VERSION-PYTHON-ABI-PLATFORM.whl, PEP 427) or a source archive (NAME-VERSION.tar.gz or .zip);"
                    + " keep the name pip wheel or python -m build gave it");
        }
        return new DistributionFile(filename, ArtifactRequirement.normalise(m.group(1)), m.group(2));
    }

    private static String printable(String s) {
        String shown = s.replaceAll("[\\x00-\\x1f\\x7f]", "?");
        return shown.length() > 120 ? shown.substring(0, 120) + "…" : shown;
    }
}
