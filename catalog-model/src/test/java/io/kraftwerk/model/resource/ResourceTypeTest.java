package io.kraftwerk.model.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kraftwerk.model.Samples;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ResourceTypeTest {

    @Test
    void everyPermittedResourceRecordHasExactlyOneType() {
        Set<Class<?>> permitted = Set.of(Resource.class.getPermittedSubclasses());
        Set<Class<?>> registered = Arrays.stream(ResourceType.values()).map(ResourceType::recordClass)
                .collect(Collectors.toSet());
        assertEquals(permitted, registered);
        assertEquals(ResourceType.values().length, registered.size());
    }

    @Test
    void samplesCoverEveryType() {
        assertEquals(Set.of(ResourceType.values()), Samples.everyType().keySet());
        Samples.everyType().forEach((type, sample) -> assertEquals(type, sample.type()));
    }

    @Test
    void omittedAttributesTakeTheirHarmlessDefaults() {
        assertEquals(Ensure.PRESENT, new PackageResource("curl", null, null).ensure());
        DataDirResource data = new DataDirResource("/srv/x", null, null, null, "750", false);
        assertEquals(false, data.purge());
        assertEquals("0750", data.mode());
        GunicornAppResource app = new GunicornAppResource("blog", null, "/srv/blog/venv", "blog:app", null, null, null,
                "blog", null, null, null, null, null, null);
        assertEquals(ServiceEnsure.RUNNING, app.ensure());
        assertEquals("unix:/run/blog/gunicorn.sock", app.bind());
        assertEquals(2, app.workers());
        assertEquals(30, app.timeout());
        assertEquals("/var/log/blog", app.logDir());
        NginxVhostResource vhost = new NginxVhostResource("blog", null, List.of("blog.example.net"), null, null,
                null, null, null, null);
        assertEquals(80, vhost.listen());
        assertEquals("1m", vhost.clientMaxBodySize());
        assertEquals("blog.example.net", vhost.mainDomain());
    }
}
