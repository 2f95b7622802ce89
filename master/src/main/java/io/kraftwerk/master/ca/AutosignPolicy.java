package io.kraftwerk.master.ca;

import io.kraftwerk.model.trust.TrustedFacts;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * When the CA signs a request without an operator: a shared bootstrap token carried in the
 * request (its challengePassword), and/or certnames matching a glob allowlist. Off unless set.
 *
 * <p>A request without the right token waits for an operator exactly as one without a token does:
 * same answer, same work, so a wrong token teaches nothing but that it did not sign. The token is
 * compared by SHA-256 digest in constant time, so not even its length shows. A glob approves a name,
 * not trusted facts: a request that asks for any waits for an operator, since anyone who can reach
 * the master can ask for a name that matches.
 *
 * @param token a secret agents present with {@code kw-agent bootstrap --token}; null: no token autosign
 * @param globs certname globs such as {@code *.lab.example.net} ({@code *} stays within a label)
 */
public record AutosignPolicy(String token, List<String> globs) {

    /** Whether to sign now, and what to tell the agent. */
    public record Decision(boolean signs, String reason) {
    }

    public static AutosignPolicy off() {
        return new AutosignPolicy(null, List.of());
    }

    public AutosignPolicy {
        globs = globs == null ? List.of() : List.copyOf(globs);
    }

    public Decision decide(String certname, String presentedToken, Map<String, String> requestedTrusted) {
        if (token != null && !token.isEmpty() && presentedToken != null
                && MessageDigest.isEqual(sha256(token), sha256(presentedToken))) {
            return new Decision(true, "autosigned: the request carried the bootstrap token");
        }
        for (String glob : globs) {
            if (Pattern.compile(toRegex(glob)).matcher(certname).matches()) {
                if (!requestedTrusted.isEmpty()) {
                    return new Decision(false, "waiting for an operator: the request asks for trusted facts ("
                            + TrustedFacts.describe(requestedTrusted) + "), which a name glob does not approve: kw-master ca sign "
                            + certname);
                }
                return new Decision(true, "autosigned: the certname matches '" + glob + "'");
            }
        }
        return new Decision(false, "waiting for an operator: kw-master ca sign " + certname);
    }

    static String toRegex(String glob) {
        StringBuilder regex = new StringBuilder();
        for (char c : glob.toCharArray()) {
            regex.append(c == '*' ? "[^.]*" : c == '?' ? "[^.]" : Pattern.quote(String.valueOf(c)));
        }
        return regex.toString();
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
