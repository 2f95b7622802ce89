package io.kraftwerk.master.serve;

import io.kraftwerk.master.store.Fleet;
import io.kraftwerk.master.store.NodeStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The master's Prometheus metrics (at {@code /q/metrics}, admin token required):
 * {@code kraftwerk_catalog_compile_seconds} (histogram), {@code kraftwerk_catalog_requests_total{result}},
 * {@code kraftwerk_reports_total{result}} and {@code kraftwerk_nodes{status}} (refreshed every 30 s).
 */
@ApplicationScoped
public class MasterMetrics {
    @Inject
    MeterRegistry registry;

    @Inject
    Fleet fleet;

    private Timer compile;
    private final Map<String, Counter> requests = new ConcurrentHashMap<>();
    private final Map<String, Counter> reports = new ConcurrentHashMap<>();
    private final Map<NodeStatus, AtomicLong> nodes = new EnumMap<>(NodeStatus.class);

    @PostConstruct
    void init() {
        compile = Timer.builder("kraftwerk.catalog.compile").description("Catalog compiles, serialization included")
                .publishPercentileHistogram().register(registry);
        for (NodeStatus s : NodeStatus.values()) {
            AtomicLong value = new AtomicLong();
            nodes.put(s, value);
            Gauge.builder("kraftwerk.nodes", value, AtomicLong::get).description("Nodes by status").tag("status", s.wire())
                    .register(registry);
        }
    }

    public Timer compileTimer() {
        return compile;
    }

    /** compiled, cached, not_modified, compile_error, refused. */
    public void catalogRequest(String result) {
        requests.computeIfAbsent(result, r -> Counter.builder("kraftwerk.catalog.requests").description("Catalog requests by result")
                .tag("result", r).register(registry)).increment();
    }

    /** stored, duplicate, invalid, refused. */
    public void report(String result) {
        reports.computeIfAbsent(result, r -> Counter.builder("kraftwerk.reports").description("Reports received by result")
                .tag("result", r).register(registry)).increment();
    }

    @Scheduled(every = "30s", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void refreshNodes() {
        fleet.counts().forEach((s, n) -> nodes.get(s).set(n));
    }
}
