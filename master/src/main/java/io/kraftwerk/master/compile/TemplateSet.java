package io.kraftwerk.master.compile;

import io.kraftwerk.master.manifest.Diagnostics;
import io.kraftwerk.master.manifest.Location;
import io.quarkus.qute.Engine;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The site's templates ({@code templates/**}), parsed once with Qute. Rendering is strict: a missing
 * key is an error, never an empty string.
 */
public final class TemplateSet {
    public static final String DIRECTORY = "templates/";

    private final Engine engine;
    private final Map<String, Template> templates;
    private final Set<String> broken;

    private TemplateSet(Engine engine, Map<String, Template> templates, Set<String> broken) {
        this.engine = engine;
        this.templates = templates;
        this.broken = broken;
    }

    /** Parses every file under {@code templates/}; syntax errors go to {@code diagnostics}. */
    static TemplateSet parse(Map<String, byte[]> files, Diagnostics diagnostics) {
        Engine engine = Engine.builder().addDefaults().strictRendering(true).build();
        Map<String, Template> parsed = new TreeMap<>();
        Set<String> broken = new TreeSet<>();
        files.forEach((path, bytes) -> {
            if (!path.startsWith(DIRECTORY)) {
                return;
            }
            String name = path.substring(DIRECTORY.length());
            try {
                parsed.put(name, engine.parse(new String(bytes, StandardCharsets.UTF_8), null, path));
            } catch (TemplateException e) {
                broken.add(name);
                diagnostics.error(location(path, e), "template syntax error: " + reason(e),
                        "see the Qute reference; write \\{ for a literal brace");
            }
        });
        return new TemplateSet(engine, parsed, Set.copyOf(broken));
    }

    /** A template that exists but did not parse (its error is reported once, by the site). */
    boolean isBroken(String name) {
        return broken.contains(name);
    }

    Optional<Template> get(String name) {
        return Optional.ofNullable(templates.get(name));
    }

    Set<String> names() {
        return templates.keySet();
    }

    Engine engine() {
        return engine;
    }

    static Location location(String path, TemplateException e) {
        if (e.getOrigin() == null) {
            return Location.ofFile(path);
        }
        return new Location(path, e.getOrigin().getLine(), Math.max(1, e.getOrigin().getLineCharacterStart()));
    }

    /** Qute's message without its "in template [x:3]" prefix, which the location already says. */
    static String reason(TemplateException e) {
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        int colon = message.indexOf("]: ");
        return colon >= 0 && (message.startsWith("Parser error") || message.startsWith("Rendering error"))
                ? message.substring(colon + 3) : message;
    }
}
