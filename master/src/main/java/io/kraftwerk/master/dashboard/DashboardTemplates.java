package io.kraftwerk.master.dashboard;

import io.quarkus.qute.Engine;
import io.quarkus.qute.HtmlEscaper;
import io.quarkus.qute.ReflectionValueResolver;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateLocator;
import io.quarkus.qute.Variant;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The dashboard's Qute templates ({@code src/main/resources/dashboard/*.html}). Every value is
 * HTML-escaped: facts and reports come from nodes, and a node must not be able to script the
 * operator's browser.
 */
@ApplicationScoped
public class DashboardTemplates {
    private static final Variant HTML = new Variant(Locale.ROOT, "text/html", "UTF-8");
    private final Map<String, Template> templates = new ConcurrentHashMap<>();
    private final Engine engine = Engine.builder().addDefaults().addValueResolver(new ReflectionValueResolver())
            .addResultMapper(new HtmlEscaper(List.of("text/html"))).addLocator(DashboardTemplates::locate).strictRendering(true).build();

    /** Renders a page template with its data. */
    public String render(String name, Map<String, Object> data) {
        Template template = templates.computeIfAbsent(name, n -> engine.getTemplate(n));
        if (template == null) {
            throw new IllegalStateException("no dashboard template " + name + " (this is a Kraftwerk bug, please report it)");
        }
        var instance = template.instance();
        data.forEach(instance::data);
        return instance.render();
    }

    private static Optional<TemplateLocator.TemplateLocation> locate(String id) {
        String path = "dashboard/" + id + (id.endsWith(".html") ? "" : ".html");
        InputStream in = DashboardTemplates.class.getClassLoader().getResourceAsStream(path);
        if (in == null) {
            return Optional.empty();
        }
        String text;
        try (in) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + path, e);
        }
        return Optional.of(new TemplateLocator.TemplateLocation() {
            @Override
            public Reader read() {
                return new StringReader(text);
            }

            @Override
            public Optional<Variant> getVariant() {
                return Optional.of(HTML);
            }
        });
    }
}
