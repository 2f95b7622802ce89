package io.kraftwerk.master.auth;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Turns an admin's {@link Credentials} into an identity. A bearer token must be the admin token (a
 * wrong one fails the request: it is never silently ignored); a dashboard session is an admin on
 * dashboard pages only. (A node's identity comes from its certificate: {@link NodeIdentities}.)
 */
@ApplicationScoped
public class CredentialsIdentityProvider implements IdentityProvider<Credentials> {
    private static final SecurityIdentity ADMIN = identity("admin", Callers.ADMIN);
    private static final SecurityIdentity DASHBOARD = identity("dashboard session", Callers.DASHBOARD);

    @Inject
    AdminCredential admin;

    @Override
    public Class<Credentials> getRequestType() {
        return Credentials.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(Credentials credentials, AuthenticationRequestContext context) {
        if (credentials.bearer() != null) {
            if (!admin.matches(credentials.bearer())) {
                return Uni.createFrom().failure(new AuthenticationFailedException(credentials.bearer().isEmpty()
                        ? "the Authorization header must be 'Bearer TOKEN'" : "the bearer token is not the admin token"));
            }
            return Uni.createFrom().item(ADMIN);
        }
        return Uni.createFrom().item(DASHBOARD);
    }

    private static SecurityIdentity identity(String name, String role) {
        return QuarkusSecurityIdentity.builder().setPrincipal(new QuarkusPrincipal(name)).addRole(role).build();
    }
}
