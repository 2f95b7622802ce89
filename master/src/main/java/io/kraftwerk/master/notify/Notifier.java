package io.kraftwerk.master.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.kraftwerk.master.manifest.ManifestException;
import io.kraftwerk.master.serve.RolloutService;
import io.kraftwerk.master.settings.MasterConfig;
import io.kraftwerk.master.settings.MasterPaths;
import io.kraftwerk.master.store.CompileFailed;
import io.kraftwerk.master.store.Deliveries;
import io.kraftwerk.master.store.NodeReported;
import io.kraftwerk.master.store.NodeRoster;
import io.kraftwerk.master.store.NodeStatus;
import io.kraftwerk.master.store.Rollout;
import io.kraftwerk.model.json.ModelJson;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Turns what the master sees into alerts for its webhooks: a node whose status becomes failed or
 * drifted (its report), a node that falls silent for twice the run interval (checked every
 * {@code kraftwerk.master.alert-check}), a commit that does not compile, a rollout that halts. Each
 * alert is queued once per webhook that wants it; the {@link Dispatcher} sends them.
 */
@ApplicationScoped
public class Notifier {
    private static final Logger LOG = Logger.getLogger(Notifier.class);
    /** Silences older than this when first seen (a master started after a long stop) are not alerted one by one. */
    static final Duration SILENCE_HORIZON = Duration.ofDays(1);

    @Inject
    MasterConfig config;

    @Inject
    Deliveries deliveries;

    @Inject
    NodeRoster roster;

    Clock clock = Clock.systemUTC();

    private volatile List<Webhook> webhooks = List.of();
    private volatile String problem = "";

    void start(@Observes StartupEvent event) {
        Path file = config.webhooks().orElse(new MasterPaths(config.dataDir()).webhooks());
        try {
            webhooks = Webhooks.load(file);
            if (!webhooks.isEmpty()) {
                LOG.infof("alerts go to %d webhook(s) of %s: %s", webhooks.size(), file,
                        String.join(", ", webhooks.stream().map(Webhook::name).toList()));
            }
        } catch (ManifestException e) {
            problem = "the webhooks file does not load, so no alert is sent: " + e.getMessage();
            LOG.error(problem);
        }
    }

    public List<Webhook> webhooks() {
        return webhooks;
    }

    /** Why no alert is sent, or empty text. */
    public String problem() {
        return problem;
    }

    void onReport(@Observes(during = TransactionPhase.AFTER_SUCCESS) NodeReported e) {
        if (e.status() == NodeStatus.FAILED && e.previous() != NodeStatus.FAILED) {
            raise(new Alert("node_failed:" + e.certname() + ":" + e.reportId(), AlertType.NODE_FAILED, e.at(), e.environment(),
                    e.certname(), e.certname() + " failed its run on " + e.catalogVersion(), nodeDetails(e)));
        } else if (e.status() == NodeStatus.DRIFTED && e.previous() != NodeStatus.DRIFTED) {
            raise(new Alert("node_drifted:" + e.certname() + ":" + e.reportId(), AlertType.NODE_DRIFTED, e.at(), e.environment(),
                    e.certname(), e.certname() + " drifted from its catalog (its run repaired or found drift)", nodeDetails(e)));
        }
    }

    private static Map<String, Object> nodeDetails(NodeReported e) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("node", e.certname());
        details.put("previous_status", e.previous() == null ? null : e.previous().wire());
        details.put("status", e.status().wire());
        details.put("catalog_version", e.catalogVersion());
        details.put("report", "/v1/fleet/reports/" + e.reportId());
        details.put("dashboard", "/dashboard/reports/" + e.reportId());
        return details;
    }

    void onCompile(@Observes CompileFailed e) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("commit", e.commit());
        details.put("node", e.node());
        details.put("errors", e.errors().subList(0, Math.min(10, e.errors().size())));
        details.put("dashboard", "/dashboard/environments/" + e.environment());
        raise(new Alert("compile_failed:" + e.environment() + ":" + e.commit(), AlertType.COMPILE_FAILED, clock.instant(), e.environment(),
                e.environment(), "commit " + e.commit() + " of " + e.environment() + " does not compile"
                        + (e.node() == null ? "" : " for " + e.node()) + " (" + e.errors().size()
                        + (e.errors().size() == 1 ? " error)" : " errors)"), details));
    }

    void onRollout(@Observes RolloutService.RolloutChanged e) {
        Rollout r = e.rollout();
        if (r.state() != Rollout.State.HALTED) {
            return;
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("stable", r.stable());
        details.put("candidate", r.candidate());
        details.put("canaries", r.canaries());
        details.put("reason", r.reason());
        details.put("failed_report", r.failedReportId() == null ? null : "/v1/fleet/reports/" + r.failedReportId());
        details.put("dashboard", "/dashboard/environments/" + r.environment());
        raise(new Alert("rollout_halted:" + r.environment() + ":" + r.candidate(), AlertType.ROLLOUT_HALTED, r.updatedAt(),
                r.environment(), r.environment(), "the rollout of " + r.candidate() + " in " + r.environment() + " halted: " + r.reason(),
                details));
    }

    /** Nodes whose silence crossed twice the run interval since they last reported (once per silence). */
    @Scheduled(every = "${kraftwerk.master.alert-check:60s}", delayed = "${kraftwerk.master.alert-check:60s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void checkSilence() {
        if (webhooks.isEmpty()) {
            return;
        }
        Instant cutoff = clock.instant().minus(config.runInterval().multipliedBy(2));
        try {
            for (NodeRoster.Row row : roster.silent(cutoff.minus(SILENCE_HORIZON), cutoff)) {
                Map<String, Object> details = new LinkedHashMap<>();
                details.put("node", row.certname());
                details.put("last_report_at", row.lastReportAt().toString());
                details.put("unresponsive_after_seconds", config.runInterval().multipliedBy(2).toSeconds());
                details.put("dashboard", "/dashboard/nodes/" + row.certname());
                raise(new Alert("node_unresponsive:" + row.certname() + ":" + row.lastReportAt(), AlertType.NODE_UNRESPONSIVE,
                        row.lastReportAt().plus(config.runInterval().multipliedBy(2)), row.environment(), row.certname(),
                        row.certname() + " has not reported since " + row.lastReportAt(), details));
            }
        } catch (RuntimeException e) {
            LOG.warnf(e, "could not check for silent nodes");
        }
    }

    /** Queues the alert for every webhook that wants it; an alert already queued (by this or another master) is not queued again. */
    public void raise(Alert alert) {
        if (webhooks.isEmpty()) {
            return;
        }
        String payload;
        try {
            payload = ModelJson.mapper().writeValueAsString(alert.body());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        for (Webhook hook : webhooks) {
            if (!hook.events().contains(alert.type())) {
                continue;
            }
            try {
                deliveries.enqueue(hook.name(), alert.id(), alert.type().wire(), alert.subject(), alert.summary(), payload, clock.instant());
            } catch (RuntimeException e) {
                LOG.warnf(e, "could not queue alert %s for webhook %s", alert.id(), hook.name());
            }
        }
    }
}
