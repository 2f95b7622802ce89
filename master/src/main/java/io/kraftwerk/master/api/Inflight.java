package io.kraftwerk.master.api;

import io.kraftwerk.master.settings.MasterConfig;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.ext.Provider;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Catalog and report requests beyond {@code max-inflight} are refused with 429 and Retry-After,
 * before their body is read, so a stampede queues on the agents, not in the master's memory. Bound
 * by {@link Throttled} to the methods that serve them, after routing and after authorization.
 */
@Provider
@Throttled
public class Inflight implements ContainerRequestFilter {
    static final String RETRY_AFTER_SECONDS = "5";
    private static final AtomicInteger INFLIGHT = new AtomicInteger();

    // a provider is made before the runtime configuration exists: the limit is read on first use
    @Inject
    Instance<MasterConfig> config;

    private volatile int limit;

    @Inject
    RoutingContext rc;

    @Override
    public void filter(ContainerRequestContext request) {
        if (limit == 0) {
            limit = config.get().maxInflight();
        }
        if (INFLIGHT.incrementAndGet() > limit) {
            INFLIGHT.decrementAndGet();
            request.abortWith(Json.error(429, "the master is busy; try again in " + RETRY_AFTER_SECONDS + " s",
                    List.of(), Map.of("Retry-After", RETRY_AFTER_SECONDS)));
            return;
        }
        rc.addEndHandler(done -> INFLIGHT.decrementAndGet());
    }

    /** Catalog and report requests being served now. */
    public static int count() {
        return INFLIGHT.get();
    }
}
