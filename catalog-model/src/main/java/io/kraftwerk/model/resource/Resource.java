package io.kraftwerk.model.resource;

import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * Desired state of one thing on a node. Implementations are immutable, validated records; each
 * names its identifying attribute (the title) and its {@link ResourceType}. In JSON the type is the
 * {@code type} field; the names are registered from {@link ResourceType} in one place.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
public sealed interface Resource
        permits PackageResource, GroupResource, UserResource, FileResource, DirectoryResource,
                DataDirResource, VirtualenvResource, RunitServiceResource, GunicornAppResource,
                NginxVhostResource, SysctlResource, SshAuthorizedKeyResource,
                CronJobResource, AptSourceResource, ExecResource, PostgresqlDatabaseResource, WsgiReleaseResource {

    /** The identifying attribute: a package or user name, a path, a service or vhost name. */
    String title();

    /** {@code present}/{@code absent}, or for services {@code running}/{@code stopped}/{@code absent}. */
    Enum<?> ensure();

    /** Whether this resource is to be removed. */
    default boolean absent() {
        return ensure() == Ensure.ABSENT || ensure() == ServiceEnsure.ABSENT;
    }

    default ResourceType type() {
        return ResourceType.of(getClass());
    }

    default ResourceId id() {
        return new ResourceId(type(), title());
    }
}
