package io.kraftwerk.model.resource;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.kraftwerk.model.validation.AbsolutePath;
import io.kraftwerk.model.validation.Hostname;
import io.kraftwerk.model.validation.ServiceName;
import io.kraftwerk.model.validation.SizeLiteral;
import io.kraftwerk.model.validation.SocketAddress;
import io.kraftwerk.model.validation.UrlPath;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.util.List;
import java.util.SortedMap;

/**
 * An nginx virtual host in {@code sites-available}, enabled by a link in {@code sites-enabled}. A new
 * configuration goes live only after {@code nginx -t} accepts it.
 *
 * @param name               the site name (file name under sites-available)
 * @param ensure             {@code present} (default) or {@code absent}
 * @param serverNames        the domains served; the first is the main domain
 * @param redirectDomains    forward domains answered with a permanent redirect to the main domain
 * @param listen             the plain-HTTP port (default 80)
 * @param upstream           backends requests are proxied to ({@code unix:/path.sock} or
 *                           {@code host:port}); empty for a static-only site
 * @param staticLocations    URL prefix to directory, served by nginx itself, e.g.
 *                           {@code /static/: /srv/blog/static}
 * @param clientMaxBodySize  the largest request body accepted (default {@code 1m})
 * @param tls                certificate and key; null for plain HTTP
 */
@Sensitivity // nothing of it is secret
public record NginxVhostResource(
        @NotNull @ServiceName String name,
        @NotNull Ensure ensure,
        @NotEmpty List<@NotNull @Hostname String> serverNames,
        @NotNull List<@NotNull @Hostname String> redirectDomains,
        @NotNull @Min(1) @Max(65535) Integer listen,
        @NotNull List<@NotNull @SocketAddress String> upstream,
        @NotNull SortedMap<@UrlPath String, @NotNull @AbsolutePath String> staticLocations,
        @NotNull @SizeLiteral String clientMaxBodySize,
        @Valid TlsSettings tls) implements Resource {

    public static final int DEFAULT_LISTEN = 80;
    public static final String DEFAULT_CLIENT_MAX_BODY_SIZE = "1m";

    public NginxVhostResource {
        ensure = Values.or(ensure, Ensure.PRESENT);
        serverNames = Values.list(serverNames);
        redirectDomains = Values.list(redirectDomains);
        listen = Values.or(listen, DEFAULT_LISTEN);
        upstream = Values.list(upstream);
        staticLocations = Values.sortedMap(staticLocations);
        clientMaxBodySize = Values.or(clientMaxBodySize, DEFAULT_CLIENT_MAX_BODY_SIZE);
    }

    @Override
    public String title() {
        return name;
    }

    /** The domain redirect domains point to. */
    public String mainDomain() {
        return serverNames.isEmpty() ? null : serverNames.get(0);
    }

    @JsonIgnore
    @AssertTrue(message = "a vhost needs 'upstream' backends, 'static_locations', or both")
    public boolean isServingSomething() {
        return ensure == Ensure.ABSENT || !upstream.isEmpty() || !staticLocations.isEmpty();
    }

    @JsonIgnore
    @AssertTrue(message = "a domain cannot be both in 'server_names' and in 'redirect_domains'")
    public boolean isRedirectDisjoint() {
        return redirectDomains.stream().noneMatch(serverNames::contains);
    }
}
