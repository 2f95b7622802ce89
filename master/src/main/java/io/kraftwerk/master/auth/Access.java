package io.kraftwerk.master.auth;

import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Set;

/**
 * Who a route declares may call it, read from the security annotations of the method that serves
 * it (or its class). Quarkus enforces the annotations; this names them, for the route table, the
 * refusal messages and the tests that probe every route.
 */
public enum Access {
    ANONYMOUS("anyone"),
    NODE_ITSELF("the node named in the request"),
    NODE_OR_GRANTEE("the node named in the request, or a node its environment's site.yaml grants its app dumps to"),
    ADMIN("admin (bearer token)"),
    ADMIN_OR_SESSION("admin (bearer token or dashboard session)"),
    NOBODY("nobody: the route declares no caller");

    private final String description;

    Access(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    /** What the annotations on {@code method}, or else on its class, declare. */
    public static Access of(Method method) {
        // @NodeItself binds its filter from the method or its class (JAX-RS name binding)
        boolean nodeItself = method.isAnnotationPresent(NodeItself.class) || method.getDeclaringClass().isAnnotationPresent(NodeItself.class);
        boolean grantee = method.isAnnotationPresent(NodeOrGrantee.class) || method.getDeclaringClass().isAnnotationPresent(NodeOrGrantee.class);
        if (nodeItself && grantee) {
            throw new IllegalStateException(method + " is both @NodeItself and @NodeOrGrantee; this is a Kraftwerk bug, please report it");
        }
        Access declared = declared(method.getAnnotations(), nodeItself, grantee);
        return declared != null ? declared : orNobody(declared(method.getDeclaringClass().getAnnotations(), nodeItself, grantee));
    }

    private static Access orNobody(Access access) {
        return access != null ? access : NOBODY;
    }

    private static Access declared(Annotation[] annotations, boolean nodeItself, boolean grantee) {
        for (Annotation a : annotations) {
            if (a instanceof DenyAll) {
                return NOBODY;
            }
            if (a instanceof PermitAll) {
                return ANONYMOUS;
            }
            if (a instanceof RolesAllowed roles) {
                Set<String> allowed = Set.of(roles.value());
                if (allowed.equals(Set.of(Callers.NODE)) && nodeItself) {
                    return NODE_ITSELF;
                }
                if (allowed.equals(Set.of(Callers.NODE)) && grantee) {
                    return NODE_OR_GRANTEE;
                }
                if (allowed.equals(Set.of(Callers.ADMIN))) {
                    return ADMIN;
                }
                if (allowed.equals(Set.of(Callers.ADMIN, Callers.DASHBOARD))) {
                    return ADMIN_OR_SESSION;
                }
                throw new IllegalStateException("roles " + allowed + (nodeItself || grantee ? "" : " without @NodeItself or @NodeOrGrantee")
                        + " are not a caller Kraftwerk knows (see Callers); this is a Kraftwerk bug, please report it");
            }
        }
        // @NodeItself alone is no declaration: without the role, Quarkus security denies the method
        return null;
    }

}
