package io.kraftwerk.master.api;

import io.kraftwerk.master.serve.CaService;
import io.kraftwerk.master.serve.MasterConfig;
import io.kraftwerk.master.serve.MasterPaths;
import io.kraftwerk.master.serve.MasterSetup;
import io.kraftwerk.model.json.ModelJson;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/**
 * Who may call what, decided before any endpoint runs, on the event loop:
 * <ul>
 *   <li>the CA bootstrap endpoints ({@code /v1/ca/certificate}, {@code /v1/ca/crl},
 *       {@code /v1/ca/requests/*}, {@code /v1/ca/certificates/*}) are open: a node has no
 *       certificate yet when it calls them;</li>
 *   <li>admin endpoints need {@code Authorization: Bearer TOKEN} (the token in DATA/admin.token);</li>
 *   <li>everything else needs a client certificate issued by this CA (the TLS layer checks the
 *       chain and validity) that has not been revoked; its CN is the caller's certname.</li>
 * </ul>
 * Catalog and report requests beyond {@code max-inflight} are refused with 429 and Retry-After,
 * so a stampede queues on the agents, not in the master's memory.
 */
@ApplicationScoped
public class AccessControl {
    public static final String CERTNAME = "kraftwerk.certname";
    static final String RETRY_AFTER_SECONDS = "5";

    @Inject
    CaService ca;

    @Inject
    MasterConfig config;

    @Inject
    io.kraftwerk.master.dashboard.DashboardSessions sessions;

    private final AtomicInteger inflight = new AtomicInteger();
    private byte[] adminToken;

    void routes(@Observes Router router) throws IOException {
        adminToken = MasterSetup.adminToken(new MasterPaths(config.dataDir()).adminToken()).getBytes(StandardCharsets.UTF_8);
        router.route().order(-100).handler(this::check);
    }

    private void check(RoutingContext rc) {
        String path = rc.normalizedPath();
        if (path.startsWith("/v1/catalogs/") || path.startsWith("/v1/reports/")) {
            if (inflight.incrementAndGet() > config.maxInflight()) {
                inflight.decrementAndGet();
                rc.response().putHeader("Retry-After", RETRY_AFTER_SECONDS);
                refuse(rc, 429, "the master is busy; try again in " + RETRY_AFTER_SECONDS + " s");
                return;
            }
            rc.addEndHandler(done -> inflight.decrementAndGet());
        }
        if (isBootstrap(path)) {
            rc.next();
        } else if (path.equals("/dashboard") || path.startsWith("/dashboard/")) {
            if (path.equals("/dashboard/login") || path.equals("/dashboard/style.css")) {
                rc.next();
                return;
            }
            io.vertx.core.http.Cookie cookie = rc.request().getCookie(io.kraftwerk.master.dashboard.DashboardSessions.COOKIE);
            if (cookie != null && sessions.valid(cookie.getValue())) {
                rc.next();
            } else {
                rc.response().setStatusCode(303).putHeader("Location", "/dashboard/login").end();
            }
        } else if (isAdmin(path)) {
            String header = rc.request().getHeader("Authorization");
            byte[] presented = header != null && header.startsWith("Bearer ")
                    ? header.substring(7).strip().getBytes(StandardCharsets.UTF_8) : new byte[0];
            if (MessageDigest.isEqual(adminToken, presented)) {
                rc.next();
            } else {
                rc.response().putHeader("WWW-Authenticate", "Bearer");
                refuse(rc, 401, "admin endpoints need 'Authorization: Bearer TOKEN' with the token in " + 
                        new MasterPaths(config.dataDir()).adminToken() + " on the master");
            }
        } else {
            authenticateNode(rc);
        }
    }

    private void authenticateNode(RoutingContext rc) {
        X509Certificate cert = clientCertificate(rc.request().sslSession());
        if (cert == null) {
            refuse(rc, 401, "a client certificate issued by this master's CA is required (run kw-agent bootstrap)");
            return;
        }
        try {
            // The TLS layer already refuses an expired certificate; checked again so that no TLS
            // setting can ever let one through.
            cert.checkValidity();
        } catch (java.security.cert.CertificateExpiredException | java.security.cert.CertificateNotYetValidException e) {
            refuse(rc, 403, "this certificate is not valid now (valid " + cert.getNotBefore().toInstant() + " to "
                    + cert.getNotAfter().toInstant() + "); renew it, or 'kw-master ca clean' it and bootstrap again");
            return;
        }
        try {
            if (ca.isRevoked(cert.getSerialNumber())) {
                refuse(rc, 403, "this certificate (serial " + cert.getSerialNumber().toString(16) + ") has been revoked");
                return;
            }
        } catch (IOException e) {
            refuse(rc, 503, "the CA's revocation list cannot be read: " + e.getMessage());
            return;
        }
        var cns = new X500Name(cert.getSubjectX500Principal().getName()).getRDNs(BCStyle.CN);
        if (cns.length != 1) {
            refuse(rc, 403, "the client certificate has no single CN");
            return;
        }
        rc.put(CERTNAME, IETFUtils.valueToString(cns[0].getFirst().getValue()));
        rc.next();
    }

    /** The admin token, compared in constant time. */
    public boolean isAdminToken(String presented) {
        return MessageDigest.isEqual(adminToken, presented.getBytes(StandardCharsets.UTF_8));
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

    static boolean isBootstrap(String path) {
        return path.equals("/v1/ca/certificate") || path.equals("/v1/ca/crl") || path.startsWith("/v1/ca/requests/")
                || path.startsWith("/v1/ca/certificates/");
    }

    static boolean isAdmin(String path) {
        return path.startsWith("/v1/environments") || path.startsWith("/v1/admin/") || path.startsWith("/v1/fleet/")
                || path.startsWith("/q/");
    }

    private static void refuse(RoutingContext rc, int status, String reason) {
        rc.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .end(io.vertx.core.buffer.Buffer.buffer(ModelJson.writeBytes(Map.of("error", reason))));
    }

    /** Catalog and report requests being served now. */
    public int inflight() {
        return inflight.get();
    }
}
