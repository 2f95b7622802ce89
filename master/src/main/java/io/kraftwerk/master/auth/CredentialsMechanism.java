package io.kraftwerk.master.auth;

import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.Cookie;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Set;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Gathers what a request presents (bearer token, dashboard session, client certificate) for
 * {@link CredentialsIdentityProvider}. Authentication is not proactive: it runs when the matched
 * method's security check asks for the identity, so anonymous routes never pay for it.
 */
@ApplicationScoped
public class CredentialsMechanism implements HttpAuthenticationMechanism {
    private static final String BEARER = "bearer ";

    @Inject
    DashboardSessions sessions;

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext rc, IdentityProviderManager identities) {
        String authorization = rc.request().getHeader("Authorization");
        String bearer = authorization == null ? null
                : authorization.regionMatches(true, 0, BEARER, 0, BEARER.length()) ? authorization.substring(BEARER.length()).strip() : "";
        Cookie cookie = rc.request().getCookie(DashboardSessions.COOKIE);
        String session = cookie != null && sessions.valid(cookie.getValue()) ? cookie.getValue() : null;
        X509Certificate certificate = clientCertificate(rc.request().sslSession());
        if (bearer == null && session == null && certificate == null) {
            return Uni.createFrom().nullItem();
        }
        return identities.authenticate(HttpSecurityUtils.setRoutingContextAttribute(
                new Credentials(bearer, session, certificate), rc));
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", "Bearer"));
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(Credentials.class);
    }

    @Override
    public int getPriority() {
        // before Quarkus's own mutual-TLS mechanism, which would make an identity of the subject DN
        return DEFAULT_PRIORITY + 1000;
    }

    static X509Certificate clientCertificate(SSLSession session) {
        if (session == null) {
            return null;
        }
        try {
            Certificate[] chain = session.getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate x ? x : null;
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }
}
