package io.kraftwerk.master.api;

import io.kraftwerk.master.auth.Callers;
import io.kraftwerk.master.auth.NodeItself;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.ext.Provider;

/**
 * Decides {@link NodeItself} on the matched method: a node, and the one whose decoded
 * {@code certname} path parameter the request carries. A caller that is no node at all is left to
 * the method's {@code @RolesAllowed(Callers.NODE)}, which refuses it with the reason. A refusal is
 * worded where every other is, by {@link SecurityAnswers}.
 */
@Provider
@NodeItself
@Priority(Priorities.AUTHORIZATION)
public class NodeItselfFilter implements ContainerRequestFilter {
    @Inject
    SecurityIdentity identity;

    @Override
    public void filter(ContainerRequestContext request) {
        if (!identity.hasRole(Callers.NODE)) {
            return;
        }
        if (!identity.getPrincipal().getName().equals(request.getUriInfo().getPathParameters().getFirst("certname"))) {
            throw new ForbiddenException();
        }
    }
}
