package io.kraftwerk.master.api;

import io.kraftwerk.master.auth.Callers;
import io.kraftwerk.master.auth.NodeItself;
import io.kraftwerk.master.auth.TrustedIdentity;
import io.kraftwerk.master.ca.CaException;
import io.kraftwerk.master.ca.CertificateAuthority;
import io.kraftwerk.master.ca.Certnames;
import io.kraftwerk.master.ca.Pem;
import io.kraftwerk.master.serve.CaService;
import io.kraftwerk.master.settings.MasterConfig;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The CA over HTTPS. Bootstrap, open to anyone (a node has no client certificate yet): fetch the CA certificate and CRL, send
 * a certificate signing request, fetch the signed certificate. Renewal, for the node itself: with its valid
 * certificate it gets a new one for a new key, no operator needed.
 */
@Path("/v1/ca")
public class CaResource {
    static final String PEM = "application/x-pem-file";
    /** A P-256 signing request is about 500 bytes in PEM, an RSA-4096 one under 2 KiB. */
    static final int MAX_REQUEST_BYTES = 8192;

    @Inject
    CaService ca;

    @Inject
    MasterConfig config;

    @Inject
    SecurityIdentity identity;

    @GET
    @PermitAll
    @Path("certificate")
    @Produces(PEM)
    public String certificate() {
        return Pem.write(ca.ca().certificate());
    }

    @GET
    @PermitAll
    @Path("crl")
    @Produces(PEM)
    public String crl() throws IOException {
        return ca.ca().crlPem();
    }

    @PUT
    @PermitAll
    @RateLimited
    @MaxBody(MAX_REQUEST_BYTES)
    @Path("requests/{certname}")
    @Consumes({PEM, "text/plain"})
    public Response submit(@PathParam("certname") String certname, String csr) throws IOException {
        try {
            CertificateAuthority.Submission s = ca.ca().submit(certname, csr, ca.autosign(), config.maxPendingRequests());
            return Json.ok(s.status() == CertificateAuthority.Status.SIGNED ? 200 : 202,
                    Map.of("status", s.status().name().toLowerCase(), "message", s.message()));
        } catch (CaException e) {
            return refusal(e);
        }
    }

    /** 400 for a request that is wrong; 409, 403 or 503 for one the CA will not take (see {@link CaException.Kind}). */
    static Response refusal(CaException e) {
        if (e instanceof CaException.Refused refused) {
            return switch (refused.kind()) {
                case CONFLICT -> Json.error(409, e.getMessage());
                case FORBIDDEN -> Json.error(403, e.getMessage());
                case FULL -> Json.error(503, e.getMessage(), List.of(), Map.of("Retry-After", "60"));
            };
        }
        return Json.error(400, e.getMessage());
    }

    @GET
    @PermitAll
    @RateLimited
    @Path("certificates/{certname}")
    @Produces({PEM, "application/json"})
    public Response signed(@PathParam("certname") String certname) throws IOException {
        if (!Certnames.valid(certname)) {
            return Json.error(400, "'" + certname + "' is not a valid certname");
        }
        try {
            Optional<X509Certificate> cert = ca.ca().currentCertificate(certname);
            if (cert.isPresent()) {
                CertificateAuthority.Status status = ca.ca().status(cert.get());
                if (status != CertificateAuthority.Status.SIGNED) {
                    return Json.error(410, "the certificate of " + certname + " is " + status.name().toLowerCase()
                            + "; ask an operator for 'kw-master ca clean " + certname + "' and bootstrap again");
                }
                return Response.ok(Pem.write(cert.get()), PEM).build();
            }
            Optional<String> pendingKey = ca.ca().pendingKey(certname);
            return pendingKey.isPresent()
                    ? Json.ok(404, Map.of("status", "pending", "message", "waiting for an operator: kw-master ca sign " + certname
                            + " --fingerprint " + pendingKey.get()))
                    : Json.error(404, "the CA has no request from " + certname + " (send one first)");
        } catch (CaException e) {
            return Json.error(400, e.getMessage());
        }
    }

    @POST
    @NodeItself
    @RolesAllowed(Callers.NODE)
    @MaxBody(MAX_REQUEST_BYTES)
    @Path("renewals/{certname}")
    @Consumes({PEM, "text/plain"})
    @Produces({PEM, "application/json"})
    public Response renew(@PathParam("certname") String certname, String csr) throws IOException {
        try {
            BigInteger presented = TrustedIdentity.serial(identity);
            return Response.ok(Pem.write(ca.ca().renew(certname, presented, csr)), PEM).build();
        } catch (CaException e) {
            return refusal(e);
        }
    }
}
