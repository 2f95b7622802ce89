package io.kraftwerk.master.ca;

import io.kraftwerk.model.trust.TrustedFacts;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.TreeMap;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1UTF8String;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/** {@link TrustedFacts} as the certificate extension and the request's extension request carry them. */
public final class TrustedFactsExtension {
    static final ASN1ObjectIdentifier OID = new ASN1ObjectIdentifier(TrustedFacts.OID);

    private TrustedFactsExtension() {
    }

    /** The trusted facts a signing request asks for (none when it asks for none). */
    static Map<String, String> requested(PKCS10CertificationRequest csr) throws CaException {
        for (Attribute attribute : csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
            for (ASN1Encodable value : attribute.getAttrValues()) {
                Extension extension = Extensions.getInstance(value).getExtension(OID);
                if (extension != null) {
                    return decode(extension.getExtnValue().getOctets(), "the request");
                }
            }
        }
        return Map.of();
    }

    /** The trusted facts a certificate carries (none when it has no such extension). */
    public static Map<String, String> of(X509Certificate certificate) throws CaException {
        byte[] wrapped = certificate.getExtensionValue(TrustedFacts.OID);
        if (wrapped == null) {
            return Map.of();
        }
        return decode(ASN1OctetString.getInstance(wrapped).getOctets(), "the certificate");
    }

    static Extension extension(Map<String, String> facts) throws CaException {
        ASN1EncodableVector pairs = new ASN1EncodableVector();
        new TreeMap<>(facts).forEach((k, v) -> pairs.add(new DERSequence(new ASN1Encodable[] {new DERUTF8String(k), new DERUTF8String(v)})));
        try {
            return new Extension(OID, false, new DERSequence(pairs).getEncoded());
        } catch (IOException e) {
            throw new CaException("cannot encode the trusted facts: " + e.getMessage());
        }
    }

    private static Map<String, String> decode(byte[] der, String where) throws CaException {
        Map<String, String> out = new TreeMap<>();
        try {
            for (ASN1Encodable item : ASN1Sequence.getInstance(ASN1Primitive.fromByteArray(der))) {
                ASN1Sequence pair = ASN1Sequence.getInstance(item);
                if (pair.size() != 2) {
                    throw new IllegalArgumentException("a trusted fact is not a (name, value) pair");
                }
                String key = ASN1UTF8String.getInstance(pair.getObjectAt(0)).getString();
                String value = ASN1UTF8String.getInstance(pair.getObjectAt(1)).getString();
                if (out.put(key, value) != null) {
                    throw new IllegalArgumentException("trusted fact '" + key + "' is given twice");
                }
            }
            return TrustedFacts.require(out);
        } catch (IOException | IllegalArgumentException | ClassCastException e) {
            throw new CaException(where + "'s trusted facts cannot be read: " + e.getMessage());
        }
    }
}
