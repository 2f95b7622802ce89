package io.kraftwerk.model.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ResourceIdTest {

    @Test
    void rendersAndParsesTheCanonicalForm() {
        ResourceId id = new ResourceId(ResourceType.DATA_DIR, "/srv/app/data");
        assertEquals("data_dir[/srv/app/data]", id.toString());
        assertEquals(Optional.of(id), ResourceId.parse("data_dir[/srv/app/data]"));
    }

    @Test
    void aTitleMayContainBrackets() {
        assertEquals(Optional.of(new ResourceId(ResourceType.FILE, "/srv/a[1]/b")), ResourceId.parse("file[/srv/a[1]/b]"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "package", "package[]", "[nginx]", "pakage[nginx]", "package[nginx", "wsgi_app[blog]"})
    void rejectsWhatIsNotAResourceReference(String text) {
        assertTrue(ResourceId.parse(text).isEmpty());
    }

    @Test
    void resourcesKnowTheirOwnId() {
        assertEquals("package[nginx]", new PackageResource("nginx", null, null).id().toString());
        assertEquals("file[/etc/motd]", new FileResource("/etc/motd", null, null, null, null, null, false).id().toString());
    }
}
