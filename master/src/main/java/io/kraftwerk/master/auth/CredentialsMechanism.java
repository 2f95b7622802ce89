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
 * Gathers what a request presents: a bearer token or dashboard session goes to
 * {@link CredentialsIdentityProvider}, a client certificate alone makes a node's identity
 * ({@link NodeIdentities}). Authentication is proactive: it
 * runs for every request before routing (a wrong bearer token is refused on every route), and what
 * the matched method's security check then reads is already there (deferred to the check, it was
 * made through Mutiny and context propagation on the worker thread, which cost more: docs/benchmarks.md).
 */
@ApplicationScoped
public class CredentialsMechanism implements HttpAuthenticationMechanism {
    private static final String BEARER = "bearer ";

    @Inject
    DashboardSessions sessions;

    @Inject
    NodeIdentities nodes;

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext rc, IdentityProviderManager identities) {
        String authorization = rc.request().getHeader("Authorization");
        String bearer = authorization == null ? null
                : authorization.regionMatches(true, 0, BEARER, 0, BEARER.length()) ? authorization.substring(BEARER.length()).strip() : "";
        Cookie cookie = rc.request().getCookie(DashboardSessions.COOKIE);
        String session = cookie != null && sessions.valid(cookie.getValue()) ? cookie.getValue() : null;
        if (bearer != null || session != null) {
            return identities.authenticate(HttpSecurityUtils.setRoutingContextAttribute(new Credentials(bearer, session), rc));
        }
        SSLSession tls = rc.request().sslSession();
        X509Certificate certificate = clientCertificate(tls);
        // a node: its identity is kept on its TLS session and re-checked here, on every request, without
        // the provider pipeline (no augmentor applies to it), which cost more than the check itself
        return certificate == null ? Uni.createFrom().nullItem() : Uni.createFrom().item(nodes.of(certificate, tls));
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
