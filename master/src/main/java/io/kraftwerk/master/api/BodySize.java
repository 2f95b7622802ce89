package io.kraftwerk.master.api;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.ext.Provider;

/**
 * Refuses a body larger than its route's {@link MaxBody} with 413, and a body without a
 * Content-Length with 411, before reading it: an anonymous caller cannot make the master buffer
 * or parse more than a signing request needs.
 */
@Provider
@MaxBody(0)
@Priority(Priorities.USER)
public class BodySize implements ContainerRequestFilter {
    @Context
    ResourceInfo route;

    @Override
    public void filter(ContainerRequestContext request) {
        int max = route.getResourceMethod().getAnnotation(MaxBody.class).value();
        String length = request.getHeaderString("Content-Length");
        if (length == null) {
            request.abortWith(Json.error(411, "a Content-Length is required (at most " + max + " bytes)"));
            return;
        }
        long bytes;
        try {
            bytes = Long.parseLong(length.strip());
        } catch (NumberFormatException e) {
            request.abortWith(Json.error(400, "Content-Length: '" + length + "' is not a number"));
            return;
        }
        if (bytes > max) {
            request.abortWith(Json.error(413, "the request is " + bytes + " bytes; at most " + max + " are accepted here"
                    + " (a signing request is well under 1 KiB)"));
        }
    }
}
