package io.kraftwerk.master.compile;

import io.kraftwerk.master.manifest.Diagnostics;
import io.kraftwerk.master.manifest.Location;
import io.kraftwerk.master.manifest.YMap;
import io.kraftwerk.master.manifest.YNode;
import io.kraftwerk.master.manifest.YScalar;
import io.kraftwerk.model.Suggestions;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The manifest-only attributes of {@code file} that produce its content at compile time:
 * {@code template} (a Qute template under {@code templates/}, with {@code vars}) and
 * {@code source} (a file of the manifests, copied as is).
 */
final class FileContent {
    static final List<String> KEYS = List.of("template", "source", "vars");

    private final Site site;
    private final Interpolator interpolator;
    private final Diagnostics diagnostics;
    private Map<String, Object> dataView;
    private boolean secretRead;

    FileContent(Site site, Interpolator interpolator, Diagnostics diagnostics) {
        this.site = site;
        this.interpolator = interpolator;
        this.diagnostics = diagnostics;
    }

    /**
     * The outcome: content to preset, no content attribute used, or failed (already reported).
     * {@code secret}: the template read a secret (from data or its vars), so the content is one.
     */
    record Content(String text, boolean failed, boolean secret) {
        static final Content NONE = new Content(null, false, false);
        static final Content FAILED = new Content(null, true, false);
    }

    Content content(String owner, YMap attributes) {
        int before = diagnostics.count();
        secretRead = false;
        Optional<String> text = contentText(owner, attributes);
        boolean used = attributes.get("template").isPresent() || attributes.get("source").isPresent();
        if (diagnostics.count() > before || (used && text.isEmpty())) {
            return Content.FAILED;
        }
        return used ? new Content(text.get(), false, secretRead) : Content.NONE;
    }

    private Optional<String> contentText(String owner, YMap attributes) {
        Optional<YNode> template = attributes.get("template");
        Optional<YNode> source = attributes.get("source");
        Optional<YNode> vars = attributes.get("vars");
        if (template.isPresent() && source.isPresent()) {
            diagnostics.error(source.get().location(), owner + ": 'source' and 'template' cannot be used together",
                    "keep one of them");
            return Optional.empty();
        }
        Optional<YNode> given = template.or(() -> source);
        if (given.isPresent() && attributes.get("content").isPresent()) {
            diagnostics.error(given.get().location(), owner + ": 'content' cannot be combined with 'template' or 'source'",
                    "keep one of them");
            return Optional.empty();
        }
        if (vars.isPresent() && template.isEmpty()) {
            diagnostics.error(vars.get().location(), owner + ": 'vars' only applies together with 'template'", null);
        }
        if (template.isPresent()) {
            return name(owner, "template", template.get()).flatMap(n -> render(owner, n, vars.orElse(null)));
        }
        if (source.isPresent()) {
            return name(owner, "source", source.get()).flatMap(n -> read(owner, n));
        }
        return Optional.empty();
    }

    private Optional<YScalar> name(String owner, String key, YNode node) {
        if (node instanceof YScalar s && !s.isNull() && !s.isFailed() && !s.text().isEmpty()) {
            return Optional.of(s);
        }
        if (!(node instanceof YScalar s && s.isFailed())) {
            diagnostics.error(node.location(), owner + ": '" + key + "' must be a file name, not " + node.describe(), null);
        }
        return Optional.empty();
    }

    private Optional<String> render(String owner, YScalar name, YNode vars) {
        Optional<Template> template = site.templates().get(name.text());
        if (template.isEmpty() && site.templates().isBroken(name.text())) {
            return Optional.empty(); // its syntax error is reported by the site
        }
        if (template.isEmpty()) {
            String path = TemplateSet.DIRECTORY + name.text();
            diagnostics.error(name.location(), owner + ": no template " + path,
                    Suggestions.closest(name.text(), site.templates().names()).map(s -> "did you mean '" + s + "'?")
                            .orElse("template names are paths under templates/"));
            return Optional.empty();
        }
        Map<String, Object> varValues = new LinkedHashMap<>();
        if (vars != null && !(vars instanceof YScalar s && s.isNull())) {
            if (!(vars instanceof YMap map)) {
                diagnostics.error(vars.location(), owner + ": 'vars' must be a map, not " + vars.describe(), null);
                return Optional.empty();
            }
            map.entries().forEach(e -> varValues.put(e.name(), TemplateValues.plain(e.value())));
            secretRead |= SecretPlacement.holdsSecret(map);
        }
        if (dataView == null) {
            dataView = TemplateValues.lazyData(interpolator, () -> secretRead = true);
        }
        int before = diagnostics.count();
        try {
            String out = template.get().instance()
                    .data("data", dataView)
                    .data("facts", TemplateValues.plain(interpolator.facts().root()))
                    .data("node", TemplateValues.plain(interpolator.node()))
                    .data("vars", varValues)
                    .data("fleet", interpolator.fleet().templateView(name.location()))
                    .render();
            return diagnostics.count() > before ? Optional.empty() : Optional.of(out);
        } catch (RuntimeException thrown) {
            // Qute rethrows what a value's own methods throw as it is: a template error all the same, never a failed request
            TemplateException e = thrown instanceof TemplateException t ? t : TemplateException.builder()
                    .message(thrown.getClass().getSimpleName() + ": " + thrown.getMessage()).cause(thrown).build();
            String path = TemplateSet.DIRECTORY + name.text();
            if (secretRead && !interpolator.showsSecrets()) {
                // Qute's message may quote the value it failed on: neither it nor the place in the template is told
                diagnostics.error(name.location(), owner + ": template " + path + " failed to render (the message and its line are"
                        + " withheld: the template read a secret value)", "see the error with 'kw-master compile --show-secrets' as root"
                        + " on the master");
            } else {
                diagnostics.error(TemplateSet.location(path, e), "template error: " + TemplateSet.reason(e),
                        "rendering " + owner + " declared at " + name.location());
            }
            return Optional.empty();
        }
    }

    private Optional<String> read(String owner, YScalar name) {
        Optional<byte[]> bytes = site.files().file(name.text());
        if (bytes.isEmpty()) {
            diagnostics.error(name.location(), owner + ": no file '" + name.text() + "' in the manifests",
                    Suggestions.closest(name.text(), site.files().files().keySet()).map(s -> "did you mean '" + s + "'?")
                            .orElse("'source' is a path relative to the manifests root, e.g. files/motd"));
            return Optional.empty();
        }
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.get())).toString());
        } catch (CharacterCodingException e) {
            diagnostics.error(name.location(), owner + ": '" + name.text() + "' is not UTF-8 text",
                    "file content is text; ship binary artifacts as packages or wheels");
            return Optional.empty();
        }
    }

}
