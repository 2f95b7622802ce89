package io.kraftwerk.master.api;

import io.kraftwerk.master.auth.Callers;
import io.kraftwerk.master.auth.NodeOrGrantee;
import io.kraftwerk.master.serve.DumpService;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.Provider;

/**
 * Decides {@link NodeOrGrantee} on the matched method: the node named by the decoded {@code certname},
 * or one the site grants that node's {@code app} dumps to. The method then serves only the dumps
 * the caller may read (each dump carries the environment whose site decides). A caller that is no
 * node at all is left to {@code @RolesAllowed(Callers.NODE)}.
 */
@Provider
@NodeOrGrantee
@Priority(Priorities.AUTHORIZATION)
public class DumpReaderFilter implements ContainerRequestFilter {
    @Inject
    SecurityIdentity identity;

    @Inject
    DumpService dumps;

    @Override
    public void filter(ContainerRequestContext request) {
        if (!identity.hasRole(Callers.NODE)) {
            return;
        }
        MultivaluedMap<String, String> path = request.getUriInfo().getPathParameters();
        String certname = path.getFirst("certname");
        String app = path.getFirst("app");
        if (certname == null || app == null || !dumps.mayReadAny(identity.getPrincipal().getName(), certname, app)) {
            throw new ForbiddenException();
        }
    }
}
