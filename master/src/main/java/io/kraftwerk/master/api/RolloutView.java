package io.kraftwerk.master.api;

import io.kraftwerk.master.store.Rollout;
import java.util.LinkedHashMap;
import java.util.Map;

/** A rollout as the API shows it. */
final class RolloutView {
    private RolloutView() {
    }

    static Map<String, Object> of(Rollout r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("environment", r.environment());
        out.put("state", r.state().wire());
        out.put("stable", r.stable());
        out.put("candidate", r.candidate());
        out.put("canaries", r.canaries());
        out.put("passed", r.passed());
        out.put("policy", r.policy());
        out.put("started_at", r.startedAt().toString());
        out.put("deadline", r.deadline().toString());
        out.put("reason", r.reason());
        out.put("failed_report", r.failedReportId() == null ? null : "/v1/fleet/reports/" + r.failedReportId());
        out.put("updated_at", r.updatedAt().toString());
        out.put("updated_by", r.updatedBy());
        return out;
    }
}
