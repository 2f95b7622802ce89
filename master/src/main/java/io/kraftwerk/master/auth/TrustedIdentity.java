package io.kraftwerk.master.auth;

import io.quarkus.security.identity.SecurityIdentity;
import java.math.BigInteger;
import java.util.Map;

/** The trusted facts and serial of the certificate a node identity was made from (see {@link io.kraftwerk.model.trust.TrustedFacts}). */
public final class TrustedIdentity {
    static final String ATTRIBUTE = "kraftwerk.trusted";
    static final String SERIAL = "kraftwerk.serial";

    private TrustedIdentity() {
    }

    public static Map<String, String> facts(SecurityIdentity identity) {
        Map<String, String> facts = identity.getAttribute(ATTRIBUTE);
        return facts == null ? Map.of() : facts;
    }

    /** The serial of the certificate the node presented; null for callers that are not nodes. */
    public static BigInteger serial(SecurityIdentity identity) {
        return identity.getAttribute(SERIAL);
    }
}
