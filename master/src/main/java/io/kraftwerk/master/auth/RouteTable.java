package io.kraftwerk.master.auth;

import io.quarkus.resteasy.reactive.server.runtime.ResteasyReactiveRecorder;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jboss.resteasy.reactive.server.core.Deployment;
import org.jboss.resteasy.reactive.server.mapping.RuntimeResource;
import org.jboss.resteasy.reactive.server.util.RuntimeResourceVisitor;

/**
 * Every route the running master serves, read from the routers themselves: the REST methods from
 * RESTEasy Reactive's own routing table, and any other route on the HTTP router. Each comes with
 * the caller it declares ({@link Access}); a route of the HTTP router that is not RESTEasy's is
 * served by no annotated method, so it declares nothing. {@code GET /v1/admin/routes} shows the
 * table; the tests probe every row of it.
 */
@ApplicationScoped
public class RouteTable {
    /** One route: method, path template, the Java method serving it, and who may call it. */
    public record Row(String method, String path, String servedBy, Access access) {
    }

    private volatile Router router;

    void capture(@Observes Router router) {
        this.router = router;
    }

    public List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        Deployment deployment = ResteasyReactiveRecorder.getCurrentDeployment();
        if (deployment != null) {
            RuntimeResourceVisitor.visitRuntimeResources(deployment.getPrefix(), deployment.getClassMappers(),
                    new RuntimeResourceVisitor() {
                        @Override
                        public void visitRuntimeResource(String httpMethod, String fullPath, RuntimeResource resource) {
                            Method method = javaMethod(resource);
                            rows.add(new Row(httpMethod, fullPath, resource.getResourceClass().getSimpleName() + "."
                                    + resource.getJavaMethodName(), method == null ? Access.NOBODY : Access.of(method)));
                        }
                    });
        }
        if (router != null) {
            httpRoutes(router, "", rows);
        }
        rows.sort(Comparator.comparing(Row::path).thenComparing(Row::method));
        return rows;
    }

    /** Routes of the HTTP router (and routers mounted on it) that lead to endpoints of their own. */
    private static void httpRoutes(Router router, String prefix, List<Row> rows) {
        for (Route route : router.getRoutes()) {
            if (route.getSubRouter() != null) {
                httpRoutes(route.getSubRouter(), prefix + route.getPath(), rows);
            } else if (UndeclaredRoutes.isEndpoint(route)) {
                String methods = route.methods() == null || route.methods().isEmpty() ? "*"
                        : String.join(",", route.methods().stream().map(Object::toString).sorted().toList());
                rows.add(new Row(methods, prefix + (route.isRegexPath() ? "(regex)" : route.getPath()), "HTTP router", Access.NOBODY));
            }
        }
    }

    private static Method javaMethod(RuntimeResource resource) {
        try {
            return resource.getResourceClass().getMethod(resource.getJavaMethodName(), resource.getParameterTypes());
        } catch (NoSuchMethodException e) {
            return null;
        }
    }
}
