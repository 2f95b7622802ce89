package io.kraftwerk.model.resource;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Every resource type Kraftwerk manages, with the one wire name used in manifests, catalogs,
 * reports and resource ids ({@code package[nginx]}). Adding a type means adding a constant here and
 * a record to the {@link Resource} permits list; tests check the two stay in step.
 */
public enum ResourceType {
    PACKAGE("package", PackageResource.class),
    GROUP("group", GroupResource.class),
    USER("user", UserResource.class),
    FILE("file", FileResource.class),
    DIRECTORY("directory", DirectoryResource.class),
    DATA_DIR("data_dir", DataDirResource.class),
    VIRTUALENV("virtualenv", VirtualenvResource.class),
    RUNIT_SERVICE("runit_service", RunitServiceResource.class),
    GUNICORN_APP("gunicorn_app", GunicornAppResource.class),
    NGINX_VHOST("nginx_vhost", NginxVhostResource.class),
    SYSCTL("sysctl", SysctlResource.class),
    SSH_AUTHORIZED_KEY("ssh_authorized_key", SshAuthorizedKeyResource.class),
    CRON_JOB("cron_job", CronJobResource.class),
    APT_SOURCE("apt_source", AptSourceResource.class),
    EXEC("exec", ExecResource.class),
    POSTGRESQL_DATABASE("postgresql_database", PostgresqlDatabaseResource.class),
    WSGI_RELEASE("wsgi_release", WsgiReleaseResource.class);

    private final String wireName;
    private final Class<? extends Resource> recordClass;

    ResourceType(String wireName, Class<? extends Resource> recordClass) {
        this.wireName = wireName;
        this.recordClass = recordClass;
    }

    /** The name as written in manifests and JSON, e.g. {@code data_dir}. */
    public String wireName() {
        return wireName;
    }

    public Class<? extends Resource> recordClass() {
        return recordClass;
    }

    public static Optional<ResourceType> fromWireName(String name) {
        return Arrays.stream(values()).filter(t -> t.wireName.equals(name)).findFirst();
    }

    public static ResourceType of(Class<? extends Resource> recordClass) {
        for (ResourceType t : values()) {
            if (t.recordClass == recordClass) {
                return t;
            }
        }
        throw new IllegalArgumentException(recordClass + " is not a registered resource type (this is a Kraftwerk bug, please report it)");
    }

    public static List<String> wireNames() {
        return Arrays.stream(values()).map(ResourceType::wireName).toList();
    }

    @Override
    public String toString() {
        return wireName;
    }
}
