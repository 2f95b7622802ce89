package io.kraftwerk.master.api;

import io.kraftwerk.master.auth.Access;
import io.kraftwerk.master.auth.Callers;
import io.kraftwerk.master.auth.Refusal;
import io.kraftwerk.master.settings.MasterConfig;
import io.kraftwerk.master.settings.MasterPaths;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.lang.reflect.Method;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.jboss.resteasy.reactive.server.SimpleResourceInfo;

/**
 * How a refused request is answered: 401 when the caller presented nothing the route accepts (with
 * what it needs), 403 when it did but may not (with who it is and why), a redirect to the sign-in
 * page for dashboard pages. The route is the matched method; its declared {@link Access} says what
 * was needed.
 */
public class SecurityAnswers {
    @Inject
    SecurityIdentity identity;

    @Inject
    MasterConfig config;

    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e, SimpleResourceInfo route) {
        return needs(access(route));
    }

    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e) {
        return Json.error(401, e.getMessage() != null ? e.getMessage() + " (" + tokenFile() + " on the master holds it)"
                : "the credentials are not valid", List.of(), Map.of("WWW-Authenticate", "Bearer"));
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, SimpleResourceInfo route, UriInfo uri) {
        Access access = access(route);
        Refusal refusal = Refusal.of(identity);
        if (refusal != null) {
            return Json.error(refusal.status(), refusal.reason());
        }
        String caller = identity.hasRole(Callers.NODE) ? "this certificate is " + identity.getPrincipal().getName()
                : identity.hasRole(Callers.DASHBOARD) ? "a dashboard session opens dashboard pages only"
                : "the caller is " + identity.getPrincipal().getName();
        return switch (access) {
            case NODE_ITSELF -> Json.error(403, "a node may act only for itself: " + caller + ", the request is for "
                    + uri.getPathParameters().getFirst("certname"));
            case NODE_OR_GRANTEE -> Json.error(403, "only " + uri.getPathParameters().getFirst("certname") + " itself, and the nodes"
                    + " its environment's site.yaml grants its dumps of " + uri.getPathParameters().getFirst("app")
                    + " to (dump_access), may read them: " + caller);
            case ADMIN, ADMIN_OR_SESSION -> identity.hasRole(Callers.DASHBOARD) || !identity.hasRole(Callers.NODE)
                    ? Json.error(403, "this needs the admin token as 'Authorization: Bearer TOKEN' (" + caller + ")")
                    : Json.error(403, "this is for admins, not nodes (" + caller + ")");
            case ANONYMOUS, NOBODY -> Json.error(403, "nobody may call " + route.getResourceClass().getSimpleName() + "."
                    + route.getMethodName() + ": it declares no caller (this is a Kraftwerk bug, please report it)");
        };
    }

    private Response needs(Access access) {
        return switch (access) {
            case ADMIN_OR_SESSION -> Response.seeOther(URI.create("/dashboard/login")).build();
            case ADMIN -> Json.error(401, "this needs the admin token as 'Authorization: Bearer TOKEN' (" + tokenFile()
                    + " on the master)", List.of(), Map.of("WWW-Authenticate", "Bearer"));
            case NODE_ITSELF, NODE_OR_GRANTEE -> Json.error(401, "a client certificate issued by this master's CA is required (run kw-agent"
                    + " bootstrap)");
            case ANONYMOUS, NOBODY -> Json.error(403, "nobody may call this route: it declares no caller"
                    + " (this is a Kraftwerk bug, please report it)");
        };
    }

    private String tokenFile() {
        return new MasterPaths(config.dataDir()).adminToken().toString();
    }

    static Access access(SimpleResourceInfo route) {
        try {
            Method method = route.getResourceClass().getMethod(route.getMethodName(), route.parameterTypes());
            return Access.of(method);
        } catch (NoSuchMethodException e) {
            return Access.NOBODY;
        }
    }
}
