package io.kraftwerk.master.auth;

import io.quarkus.runtime.StartupEvent;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Removes, before the server listens, every endpoint route Quarkus added to the HTTP router beside
 * RESTEasy's (its {@code /q/} routes: metrics, the OpenAPI document): such routes are served by no
 * resource method, so no declaration of who may call them can be checked. What the master wants of
 * them it serves as declared resource methods ({@code ManagementResource}); anything else is not
 * served at all. RESTEasy's own catch-all routes, which have no path beyond {@code /}, stay.
 */
@ApplicationScoped
public class UndeclaredRoutes {
    private static final Logger LOG = Logger.getLogger(UndeclaredRoutes.class);

    void remove(@Observes StartupEvent start, Router router) {
        List<Route> undeclared = router.getRoutes().stream().filter(UndeclaredRoutes::isEndpoint).toList();
        for (Route route : undeclared) {
            LOG.debugf("not serving Quarkus's route %s: it declares no caller", route.getPath());
            route.remove();
        }
    }

    /** A route that answers requests below a path of its own, rather than passing everything to RESTEasy. */
    static boolean isEndpoint(Route route) {
        return route.getSubRouter() != null || route.isRegexPath() || route.getPath() != null && !route.getPath().equals("/");
    }
}
