package io.kraftwerk.master.auth;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/**
 * What an admin presents: an {@code Authorization: Bearer} token or a dashboard session cookie
 * (either may be null, not both). The bearer token counts first ({@link CredentialsIdentityProvider}).
 */
public final class Credentials extends BaseAuthenticationRequest {
    private final String bearer;
    private final String session;

    Credentials(String bearer, String session) {
        this.bearer = bearer;
        this.session = session;
    }

    /** The bearer token, or "" for an Authorization header of another scheme; null when there is none. */
    String bearer() {
        return bearer;
    }

    String session() {
        return session;
    }
}
