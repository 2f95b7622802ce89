package io.kraftwerk.master.api;

import io.kraftwerk.master.settings.MasterConfig;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.ext.Provider;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per client address for the anonymous CA routes ({@link RateLimited}): each address
 * may make {@code ca-requests-per-minute} of them a minute, in bursts of as many; beyond, 429 with
 * the seconds until the next one is allowed. A node bootstrapping makes a request and then polls
 * every few seconds; a flood of signing requests from one address is what this stops.
 */
@Provider
@RateLimited
@Priority(Priorities.USER - 100)
public class AddressRate implements ContainerRequestFilter {
    private static final int MAX_ADDRESSES = 10_000;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    // a provider is made before the runtime configuration exists: the rate is read on first use
    @Inject
    Instance<MasterConfig> config;

    @Inject
    RoutingContext rc;

    private volatile int perMinute;

    @Override
    public void filter(ContainerRequestContext request) {
        if (perMinute == 0) {
            perMinute = config.get().caRequestsPerMinute();
        }
        long now = System.nanoTime();
        if (buckets.size() > MAX_ADDRESSES) {
            buckets.values().removeIf(b -> b.full(now, perMinute));
        }
        String address = rc.request().remoteAddress() == null ? "?" : rc.request().remoteAddress().hostAddress();
        long wait = buckets.computeIfAbsent(address, a -> new Bucket(perMinute, now)).take(now, perMinute);
        if (wait > 0) {
            String seconds = String.valueOf(Math.max(1, (wait + 999_999_999L) / 1_000_000_000L));
            request.abortWith(Json.error(429, "too many certificate requests from " + address + " (at most " + perMinute
                    + " a minute); try again in " + seconds + " s", List.of(), Map.of("Retry-After", seconds)));
        }
    }

    /** Tokens refill continuously at {@code perMinute} a minute, up to {@code perMinute}. */
    static final class Bucket {
        private double tokens;
        private long last;

        Bucket(int capacity, long now) {
            tokens = capacity;
            last = now;
        }

        /** Takes a token: 0 when there was one, else the nanoseconds until there is. */
        synchronized long take(long now, int perMinute) {
            refill(now, perMinute);
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return (long) ((1 - tokens) * 60e9 / perMinute);
        }

        synchronized boolean full(long now, int perMinute) {
            refill(now, perMinute);
            return tokens >= perMinute;
        }

        private void refill(long now, int perMinute) {
            tokens = Math.min(perMinute, tokens + (now - last) * perMinute / 60e9);
            last = now;
        }
    }
}
