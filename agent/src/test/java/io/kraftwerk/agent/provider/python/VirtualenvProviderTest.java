package io.kraftwerk.agent.provider.python;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kraftwerk.agent.provider.Diff;
import io.kraftwerk.agent.provider.RecordingContext;
import io.kraftwerk.model.resource.VirtualenvResource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VirtualenvProviderTest {
    @TempDir
    Path root;

    private final VirtualenvProvider provider = new VirtualenvProvider();

    @Test
    void pipInstallsOfflineFromTheWheelhouseAsTheOwner() {
        VirtualenvResource venv = new VirtualenvResource("/srv/app/venv", null, null, List.of("app==1.0", "gunicorn"),
                null, List.of("/srv/wheelhouse"), "app", null, false);
        assertEquals(List.of("runuser", "-u", "app", "--", "/srv/app/venv/bin/python", "-m", "pip", "install",
                "--disable-pip-version-check", "--no-input", "--no-index", "--find-links", "/srv/wheelhouse", "app==1.0",
                "gunicorn"), VirtualenvProvider.asOwner(venv, VirtualenvProvider.pipInstall(venv)));
        VirtualenvResource indexed = new VirtualenvResource("/v", null, null, List.of("a"), "https://pypi.example.net/simple",
                List.of(), null, null, false);
        assertEquals(List.of("/v/bin/python", "-m", "pip", "install", "--disable-pip-version-check", "--no-input",
                "--index-url", "https://pypi.example.net/simple", "a"),
                VirtualenvProvider.asOwner(indexed, VirtualenvProvider.pipInstall(indexed)));
    }

    @Test
    void readsInterpreterOptionsAndInstalledVersionsWithoutStartingPython() throws Exception {
        Path python = root.resolve("usr/bin/python3.11");
        Files.createDirectories(python.getParent());
        Files.writeString(python, "");
        python.toFile().setExecutable(true);
        Files.createSymbolicLink(root.resolve("usr/bin/python3"), Path.of("python3.11"));
        Path venv = root.resolve("srv/app/venv");
        Files.createDirectories(venv.resolve("bin"));
        Files.createSymbolicLink(venv.resolve("bin/python"), python);
        Files.writeString(venv.resolve("pyvenv.cfg"), "home = /usr/bin\ninclude-system-site-packages = true\n"
                + "version = 3.11.2\nexecutable = /usr/bin/python3.11\n");
        Path site = venv.resolve("lib/python3.11/site-packages");
        Files.createDirectories(site.resolve("app-0.9.dist-info"));
        Files.createDirectories(root.resolve("usr/lib/python3/dist-packages/gunicorn-20.1.0.egg-info"));
        RecordingContext context = new RecordingContext(root);
        VirtualenvResource wanted = new VirtualenvResource("/srv/app/venv", null, null, List.of("app==1.0", "gunicorn>=20",
                "missing"), null, List.of(), null, null, true);

        assertEquals(List.of("requirements app 0.9, gunicorn>=20, missing (missing) -> app==1.0, gunicorn>=20, missing"),
                Diff.changes(provider.desired(wanted), provider.observe(wanted, context)).stream()
                        .map(c -> c.property() + " " + c.previous() + " -> " + c.desired()).toList());
        assertEquals(List.of(), context.commands, "observing starts nothing");

        VirtualenvResource other = new VirtualenvResource("/srv/app/venv", null, "/usr/bin/python3.12", List.of(), null,
                List.of(), null, null, false);
        assertEquals(List.of("python", "system_site_packages"), Diff.changes(provider.desired(other),
                provider.observe(other, context)).stream().map(c -> c.property()).toList(), "a new interpreter rebuilds");
    }
}
