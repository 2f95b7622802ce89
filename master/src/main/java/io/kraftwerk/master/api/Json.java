package io.kraftwerk.master.api;

import io.kraftwerk.model.json.ModelJson;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** JSON answers, written with the model's mapper (sorted keys, like every other Kraftwerk document). */
final class Json {
    private Json() {
    }

    static Response error(int status, String reason) {
        return error(status, reason, List.of());
    }

    static Response error(int status, String reason, List<String> details) {
        return error(status, reason, details, Map.of());
    }

    static Response error(int status, String reason, List<String> details, Map<String, String> headers) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", reason);
        if (!details.isEmpty()) {
            body.put("details", details);
        }
        Response.ResponseBuilder answer = Response.status(status).type("application/json").entity(ModelJson.writeBytes(body));
        headers.forEach(answer::header);
        return answer.build();
    }

    static Response ok(int status, Map<String, ?> body) {
        return Response.status(status).type("application/json").entity(ModelJson.writeBytes(body)).build();
    }
}
