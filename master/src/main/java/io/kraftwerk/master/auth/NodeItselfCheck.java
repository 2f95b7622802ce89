package io.kraftwerk.master.auth;

import io.quarkus.security.PermissionChecker;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;

/** Decides {@link NodeItself}: a node, and the one the request names. */
@ApplicationScoped
public class NodeItselfCheck {

    @PermissionChecker(Callers.NODE_ITSELF)
    boolean isTheNodeNamed(SecurityIdentity identity, String certname) {
        return identity.hasRole(Callers.NODE) && identity.getPrincipal().getName().equals(certname);
    }
}
