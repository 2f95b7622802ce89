package io.kraftwerk.master.auth;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

/**
 * A route that declares no caller, served only in DefaultDenyTest: what a developer who forgets
 * the annotation would add. It must be refused to everyone, the admin included.
 */
@Path("/v1/test/undeclared")
public class UndeclaredTestResource {
    @GET
    public String served() {
        return "served";
    }
}
