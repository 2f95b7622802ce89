package io.kraftwerk.master.auth;

/**
 * The callers a route can declare, as the roles and permission names its annotations use:
 * <ul>
 *   <li>anyone: {@code @PermitAll}, only for the CA bootstrap and the dashboard's sign-in;</li>
 *   <li>the node named in the request: {@code @RolesAllowed(NODE)} with {@link NodeItself}, its
 *       certificate's CN equal to the decoded {@code certname} parameter of the matched method;</li>
 *   <li>an admin: {@code @RolesAllowed(ADMIN)} for the API (the bearer token), and
 *       {@code @RolesAllowed({ADMIN, DASHBOARD})} for dashboard pages (the token or a session).</li>
 * </ul>
 * A route that declares none of these is refused to everyone
 * ({@code quarkus.security.jaxrs.deny-unannotated-endpoints}).
 */
public final class Callers {
    /** A node with a valid, unrevoked certificate from this CA; its principal is the certname. */
    public static final String NODE = "node";

    /** The holder of the admin token, presented as {@code Authorization: Bearer TOKEN}. */
    public static final String ADMIN = "admin";

    /** A dashboard session opened with the admin token; only dashboard pages accept it. */
    public static final String DASHBOARD = "dashboard";

    private Callers() {
    }
}
