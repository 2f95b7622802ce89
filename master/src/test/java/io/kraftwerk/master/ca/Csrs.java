package io.kraftwerk.master.ca;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Map;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequestBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** Certificate signing requests as an agent makes them. */
public final class Csrs {
    private Csrs() {
    }

    public record Request(KeyPair keys, String pem) {
    }

    public static Request create(String cn, String token) throws Exception {
        return create(cn, token, CertificateAuthority.newKeyPair(), "SHA256withECDSA");
    }

    public static Request create(String cn, String token, KeyPair keys, String algorithm) throws Exception {
        return create(cn, token, Map.of(), keys, algorithm);
    }

    /** A request that also asks for trusted facts, as 'kw-agent bootstrap --trusted' makes it. */
    public static Request create(String cn, String token, Map<String, String> trusted, KeyPair keys, String algorithm)
            throws Exception {
        PKCS10CertificationRequestBuilder builder = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=" + cn), keys.getPublic());
        if (token != null) {
            builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_challengePassword, new DERPrintableString(token));
        }
        if (!trusted.isEmpty()) {
            builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest,
                    new Extensions(TrustedFactsExtension.extension(trusted)));
        }
        return new Request(keys, Pem.write(builder.build(new JcaContentSignerBuilder(algorithm).build(keys.getPrivate()))));
    }

    public static KeyPair rsa(int bits) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(bits);
        return g.generateKeyPair();
    }
}
