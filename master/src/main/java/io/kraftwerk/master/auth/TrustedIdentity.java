package io.kraftwerk.master.auth;

import io.quarkus.security.identity.SecurityIdentity;
import java.util.Map;

/** The trusted facts of the certificate a node identity was made from (see {@link io.kraftwerk.model.trust.TrustedFacts}). */
public final class TrustedIdentity {
    static final String ATTRIBUTE = "kraftwerk.trusted";

    private TrustedIdentity() {
    }

    public static Map<String, String> facts(SecurityIdentity identity) {
        Map<String, String> facts = identity.getAttribute(ATTRIBUTE);
        return facts == null ? Map.of() : facts;
    }
}
