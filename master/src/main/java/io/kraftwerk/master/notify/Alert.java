package io.kraftwerk.master.notify;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Something to tell the webhooks: its id is the same on every master that sees it (a node's failed
 * run is its report; a compile failure is its environment and commit), so a delivery is made once
 * per webhook however many masters notice.
 *
 * @param subject the node or environment it is about
 * @param summary one line for a human
 * @param details the rest, plain values only: never a resource's values, which may be secrets
 */
public record Alert(String id, AlertType type, Instant at, String environment, String subject, String summary,
                    Map<String, Object> details) {
    public Alert {
        details = details == null ? Map.of() : new LinkedHashMap<>(details);
    }

    /** The JSON body a webhook receives. */
    Map<String, Object> body() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", id);
        body.put("type", type.wire());
        body.put("at", at.toString());
        body.put("environment", environment);
        body.put("subject", subject);
        body.put("summary", summary);
        body.put("details", details);
        return body;
    }
}
