package io.kraftwerk.master.auth;

import io.quarkus.security.identity.SecurityIdentity;

/**
 * Why a presented certificate gives no rights (revoked, expired, without a single CN), kept on the
 * identity so the refusal of whatever route it called can say so.
 *
 * @param status the HTTP status of the refusal
 * @param reason what is wrong and what to do
 */
public record Refusal(int status, String reason) {
    static final String ATTRIBUTE = "kraftwerk.refusal";

    public static Refusal of(SecurityIdentity identity) {
        return identity == null ? null : identity.getAttribute(ATTRIBUTE);
    }
}
