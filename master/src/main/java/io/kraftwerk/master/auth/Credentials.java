package io.kraftwerk.master.auth;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLSession;

/**
 * What a request presents: an {@code Authorization: Bearer} token, a dashboard session cookie, a
 * client certificate (any may be null), and the TLS session the certificate came with. Which one
 * counts is {@link CredentialsIdentityProvider}'s decision, in that order.
 */
public final class Credentials extends BaseAuthenticationRequest {
    private final String bearer;
    private final String session;
    private final X509Certificate certificate;
    private final SSLSession tls;

    Credentials(String bearer, String session, X509Certificate certificate, SSLSession tls) {
        this.bearer = bearer;
        this.session = session;
        this.certificate = certificate;
        this.tls = tls;
    }

    /** The bearer token, or "" for an Authorization header of another scheme; null when there is none. */
    String bearer() {
        return bearer;
    }

    String session() {
        return session;
    }

    X509Certificate certificate() {
        return certificate;
    }

    SSLSession tls() {
        return tls;
    }
}
