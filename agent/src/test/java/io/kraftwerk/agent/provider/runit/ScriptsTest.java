package io.kraftwerk.agent.provider.runit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kraftwerk.model.resource.GunicornAppResource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ScriptsTest {

    @Test
    void quotesEveryArgumentSoNothingIsShellSyntax() {
        assertEquals("'plain'", Scripts.quote("plain"));
        assertEquals("'it'\\''s; rm -rf / $(x) `y`'", Scripts.quote("it's; rm -rf / $(x) `y`"));
    }

    @Test
    void runScriptsExecTheCommandThroughChpst() {
        assertEquals("""
                #!/bin/sh
                # Managed by Kraftwerk: runit_service[w]. Local changes are reverted.
                exec 2>&1
                cd '/srv/app' || exit 1
                exec chpst -e '/etc/sv/w/env' -u 'app:web' '/usr/bin/python3' '-m' 'w' '--name=a b'
                """, Scripts.run("runit_service[w]", "/etc/sv/w", "/srv/app", "app", "web", List.of(),
                List.of("/usr/bin/python3", "-m", "w", "--name=a b")));
    }

    @Test
    void gunicornGetsItsConfigFileAndSocketDirectory() {
        GunicornAppResource app = new GunicornAppResource("blog", null, "/srv/blog/venv", "blog.wsgi:application", null, 3,
                45, "blog", null, "/srv/blog", new TreeMap<>(Map.of("A", "1")), List.of(), null, "/healthz");
        assertEquals("""
                # Managed by Kraftwerk: gunicorn_app[blog]. Local changes are reverted.
                bind = "unix:/run/blog/gunicorn.sock"
                workers = 3
                timeout = 45
                proc_name = "blog"
                accesslog = "-"
                errorlog = "-"
                """, GunicornAppProvider.config(app));
        ServiceSpec spec = new GunicornAppProvider(new RunitSupervisor(), Duration.ofSeconds(1)).spec(app);
        assertEquals("""
                #!/bin/sh
                # Managed by Kraftwerk: gunicorn_app[blog]. Local changes are reverted.
                exec 2>&1
                install -d -o 'blog' -m 0755 '/run/blog'
                cd '/srv/blog' || exit 1
                exec chpst -e '/etc/sv/blog/env' -u 'blog' '/srv/blog/venv/bin/python' '-m' 'gunicorn' '--config' \
                '/etc/sv/blog/gunicorn.conf.py' 'blog.wsgi:application'
                """, spec.run());
        assertEquals("\"a\\\"b\\\\c\"", GunicornAppProvider.pyString("a\"b\\c"));
    }
}
