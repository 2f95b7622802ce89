package io.kraftwerk.master.api;

import io.kraftwerk.master.ca.CaException;
import io.kraftwerk.master.ca.Certnames;
import io.kraftwerk.master.ca.CertificateAuthority;
import io.kraftwerk.master.ca.Pem;
import io.kraftwerk.master.serve.CaService;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.nio.file.Files;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Optional;

/**
 * The CA over HTTPS. Bootstrap (no client certificate yet): fetch the CA certificate and CRL, send
 * a certificate signing request, fetch the signed certificate. Renewal: a node with a valid
 * certificate gets a new one for a new key, no operator needed.
 */
@Path("/v1/ca")
public class CaResource {
    static final String PEM = "application/x-pem-file";

    @Inject
    CaService ca;

    @GET
    @Path("certificate")
    @Produces(PEM)
    public String certificate() {
        return Pem.write(ca.ca().certificate());
    }

    @GET
    @Path("crl")
    @Produces(PEM)
    public String crl() throws IOException {
        return Files.readString(ca.ca().directory().resolve("crl.pem"));
    }

    @PUT
    @Path("requests/{certname}")
    @Consumes({PEM, "text/plain"})
    public Response submit(@PathParam("certname") String certname, String csr) throws IOException {
        try {
            CertificateAuthority.Submission s = ca.ca().submit(certname, csr, ca.autosign());
            return Json.ok(s.status() == CertificateAuthority.Status.SIGNED ? 200 : 202,
                    Map.of("status", s.status().name().toLowerCase(), "message", s.message()));
        } catch (CaException e) {
            return Json.error(e.getMessage().startsWith("a valid certificate") ? 409 : 400, e.getMessage());
        }
    }

    @GET
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
            return ca.ca().pending(certname)
                    ? Json.ok(404, Map.of("status", "pending", "message", "waiting for an operator: kw-master ca sign " + certname))
                    : Json.error(404, "the CA has no request from " + certname + " (send one first)");
        } catch (CaException e) {
            return Json.error(400, e.getMessage());
        }
    }

    @POST
    @Path("renewals/{certname}")
    @Consumes({PEM, "text/plain"})
    @Produces({PEM, "application/json"})
    public Response renew(@PathParam("certname") String certname, String csr, @Context RoutingContext rc) throws IOException {
        String caller = rc.get(AccessControl.CERTNAME);
        if (!certname.equals(caller)) {
            return Json.error(403, "a node may renew only its own certificate: this certificate is " + caller);
        }
        try {
            return Response.ok(Pem.write(ca.ca().renew(certname, csr)), PEM).build();
        } catch (CaException e) {
            return Json.error(400, e.getMessage());
        }
    }
}
