package io.kraftwerk.master.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import org.junit.jupiter.api.Test;

/** How the route table names what a method declares; a half declaration is never taken for a whole one. */
class AccessTest {
    @SuppressWarnings("unused")
    static class Routes {
        @RolesAllowed(Callers.NODE)
        @NodeItself
        void ownCatalog(String certname) {
        }

        @NodeItself
        void nodeItselfWithoutTheRole(String certname) {
        }

        @RolesAllowed(Callers.NODE)
        void anyNode() {
        }

        @RolesAllowed(Callers.ADMIN)
        void admin() {
        }

        @RolesAllowed({Callers.ADMIN, Callers.DASHBOARD})
        void page() {
        }

        @PermitAll
        void caCertificate() {
        }

        void nothing() {
        }
    }

    @SuppressWarnings("unused")
    @NodeItself
    static class NodeRoutes {
        @RolesAllowed(Callers.NODE)
        void report(String certname) {
        }
    }

    @Test
    void aNodeItselfOnTheClassBindsItsMethodsToo() throws Exception {
        assertEquals(Access.NODE_ITSELF, Access.of(NodeRoutes.class.getDeclaredMethod("report", String.class)));
    }

    @Test
    void eachDeclarationIsNamedAndAnUnknownOneIsABug() throws Exception {
        assertEquals(Access.NODE_ITSELF, access("ownCatalog", String.class));
        assertEquals(Access.NOBODY, access("nodeItselfWithoutTheRole", String.class),
                "@NodeItself alone is no declaration: Quarkus security denies the method");
        assertEquals(Access.ADMIN, access("admin"));
        assertEquals(Access.ADMIN_OR_SESSION, access("page"));
        assertEquals(Access.ANONYMOUS, access("caCertificate"));
        assertEquals(Access.NOBODY, access("nothing"));
        IllegalStateException anyNode = assertThrows(IllegalStateException.class, () -> access("anyNode"));
        assertEquals("roles [node] without @NodeItself or @NodeOrGrantee are not a caller Kraftwerk knows (see Callers); this is a"
                + " Kraftwerk bug, please report it", anyNode.getMessage());
    }

    private static Access access(String method, Class<?>... parameters) throws Exception {
        return Access.of(Routes.class.getDeclaredMethod(method, parameters));
    }
}
