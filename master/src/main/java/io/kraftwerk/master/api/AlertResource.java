package io.kraftwerk.master.api;

import io.kraftwerk.master.auth.Callers;
import io.kraftwerk.master.notify.Notifier;
import io.kraftwerk.master.notify.Webhook;
import io.kraftwerk.master.store.Deliveries;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Admin: the webhooks alerts go to (never their secrets) and the delivery log. */
@Path("/v1/admin/alerts")
@RolesAllowed(Callers.ADMIN)
public class AlertResource {
    @Inject
    Notifier notifier;

    @Inject
    Deliveries deliveries;

    @GET
    public Response alerts(@QueryParam("limit") @DefaultValue("100") int limit) {
        if (limit < 1 || limit > 1000) {
            return Json.error(400, "limit: from 1 to 1000");
        }
        List<Map<String, Object>> hooks = new ArrayList<>();
        for (Webhook w : notifier.webhooks()) {
            hooks.add(Map.of("name", w.name(), "url", w.url().toString(), "events", w.events().stream().map(e -> e.wire()).toList()));
        }
        List<Map<String, Object>> log = new ArrayList<>();
        for (Deliveries.Row d : deliveries.recent(limit)) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", d.id());
            row.put("webhook", d.webhook());
            row.put("alert", d.alertId());
            row.put("type", d.alertType());
            row.put("subject", d.subject());
            row.put("summary", d.summary());
            row.put("status", d.status());
            row.put("attempts", d.attempts());
            row.put("created_at", d.createdAt().toString());
            row.put("last_attempt_at", d.lastAttemptAt() == null ? null : d.lastAttemptAt().toString());
            row.put("next_attempt_at", d.status().equals("pending") ? d.nextAttemptAt().toString() : null);
            row.put("delivered_at", d.deliveredAt() == null ? null : d.deliveredAt().toString());
            row.put("last_response", d.lastResponse());
            row.put("last_error", d.lastError());
            log.add(row);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("webhooks", hooks);
        body.put("problem", notifier.problem().isEmpty() ? null : notifier.problem());
        body.put("deliveries", log);
        return Json.ok(200, body);
    }
}
