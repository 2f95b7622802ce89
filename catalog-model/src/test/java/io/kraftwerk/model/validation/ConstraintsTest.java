package io.kraftwerk.model.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kraftwerk.model.Samples;
import io.kraftwerk.model.resource.DirectoryResource;
import io.kraftwerk.model.resource.Ensure;
import io.kraftwerk.model.resource.FileResource;
import io.kraftwerk.model.resource.GunicornAppResource;
import io.kraftwerk.model.resource.NginxVhostResource;
import io.kraftwerk.model.resource.PackageResource;
import io.kraftwerk.model.resource.ResourceType;
import io.kraftwerk.model.resource.RunitServiceResource;
import io.kraftwerk.model.resource.TlsSettings;
import io.kraftwerk.model.resource.UserResource;
import io.kraftwerk.model.resource.VirtualenvResource;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConstraintsTest {
    private final ModelValidator validator = ModelValidator.get();

    @ParameterizedTest
    @EnumSource(ResourceType.class)
    void everySampleIsValid(ResourceType type) {
        assertEquals(List.of(), validator.validate(Samples.everyType().get(type)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/etc/motd", "/srv/app data/x", "/srv/.hidden", "/srv/a..b"})
    void acceptsAbsoluteNormalizedPaths(String path) {
        assertEquals(List.of(), validator.validate(directory(path)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"etc/motd", "/etc/../motd", "/etc/./motd", "/etc//motd", "/etc/motd/", "/etc/mo\ntd", "", "/.."})
    void rejectsRelativeOrUnnormalizedPaths(String path) {
        assertEquals(List.of(new Violation("path", "must be an absolute, normalized path such as /srv/app (no '.' or '..'"
                + " segments, no '//', no trailing '/', no control characters)", false)), validator.validate(directory(path)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Nginx", "n", "-nginx", "nginx pkg", "nginx;rm"})
    void rejectsPackageNamesOutsideDebianPolicy(String name) {
        assertEquals("name", validator.validate(new PackageResource(name, null, null)).get(0).path());
    }

    @ParameterizedTest
    @ValueSource(strings = {"--index-url=http://evil", "-e .", "git+https://x/y.git", "pkg @ https://x", "../pkg"})
    void pipRequirementsCannotSmuggleOptionsOrUrls(String requirement) {
        VirtualenvResource venv = new VirtualenvResource("/srv/v", null, null, List.of("ok==1", requirement), null,
                null, null, null, false);
        assertEquals(List.of(new Violation("requirements[1]", "must be a pip requirement such as 'gunicorn==22.0.0' or "
                + "'requests>=2.31,<3' (no options, URLs or paths)", false)), validator.validate(venv));
    }

    @Test
    void modesArePaddedThenChecked() {
        assertEquals("0644", new FileResource("/x", null, null, null, null, "644", false).mode());
        assertEquals("mode", validator.validate(new FileResource("/x", null, null, null, null, "0999", false)).get(0).path());
        assertEquals("mode", validator.validate(new FileResource("/x", null, null, null, null, "rw-r--r--", false)).get(0).path());
    }

    @Test
    void crossAttributeRulesAreReportedAsSuch() {
        List<Violation> violations = validator.validate(new PackageResource("nginx", Ensure.ABSENT, "1.0-1"));
        assertEquals(List.of(new Violation("version_only_when_present",
                "'version' can only be set together with ensure: present", true)), violations);
    }

    @Test
    void aServiceCommandMustNameAnAbsoluteProgram() {
        RunitServiceResource service = new RunitServiceResource("w", null, List.of("python", "-m", "w"), null, null,
                null, null, null, null);
        assertEquals(List.of(new Violation("command_absolute",
                "'command' must start with the absolute path of the program, e.g. /usr/bin/memcached", true)),
                validator.validate(service));
    }

    @Test
    void sensitiveEnvNamesMustBeSet() {
        GunicornAppResource app = new GunicornAppResource("a", null, "/srv/a/venv", "a:app", null, null, null, "a", null,
                null, new TreeMap<>(Map.of("A", "1")), List.of("SECRET"), null, null);
        assertEquals(List.of(new Violation("sensitive_env_known", "every name in 'sensitive_env' must also be set in 'env'",
                true)), validator.validate(app));
    }

    @Test
    void nestedAndElementViolationsCarryTheirPath() {
        NginxVhostResource vhost = new NginxVhostResource("a", null, List.of("a.example.net", "B_AD"), null, 0,
                List.of("nowhere"), new TreeMap<>(Map.of("static", "/srv/a/static")), "10 MB",
                new TlsSettings("cert.pem", null));
        assertEquals(List.of(
                "client_max_body_size", "listen", "server_names[1]", "static_locations[static]", "tls.certificate",
                "tls.key", "upstream[0]"), validator.validate(vhost).stream().map(Violation::path).toList());
    }

    @Test
    void userCommentsCannotBreakPasswd() {
        UserResource user = new UserResource("u", null, null, null, null, null, null, "a:b", false, false);
        assertEquals("comment", validator.validate(user).get(0).path());
    }

    private static DirectoryResource directory(String path) {
        return new DirectoryResource(path, null, null, null, null, false);
    }
}
