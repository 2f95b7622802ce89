package io.kraftwerk.master.ca;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.regex.Pattern;

/**
 * When the CA signs a request without an operator: a shared bootstrap token carried in the
 * request (its challengePassword), and/or certnames matching a glob allowlist. Off unless set.
 *
 * @param token a secret agents present with {@code kw-agent bootstrap --token}; null: no token autosign
 * @param globs certname globs such as {@code *.lab.example.net} ({@code *} stays within a label)
 */
public record AutosignPolicy(String token, List<String> globs) {

    public static AutosignPolicy off() {
        return new AutosignPolicy(null, List.of());
    }

    public AutosignPolicy {
        globs = globs == null ? List.of() : List.copyOf(globs);
    }

    /** Why the request is autosigned, or null when it waits for {@code ca sign}. */
    public String reason(String certname, String presentedToken) {
        if (token != null && !token.isEmpty() && presentedToken != null && MessageDigest.isEqual(
                token.getBytes(StandardCharsets.UTF_8), presentedToken.getBytes(StandardCharsets.UTF_8))) {
            return "autosigned: the request carried the bootstrap token";
        }
        for (String glob : globs) {
            if (Pattern.compile(toRegex(glob)).matcher(certname).matches()) {
                return "autosigned: the certname matches '" + glob + "'";
            }
        }
        return null;
    }

    static String toRegex(String glob) {
        StringBuilder regex = new StringBuilder();
        for (char c : glob.toCharArray()) {
            regex.append(c == '*' ? "[^.]*" : c == '?' ? "[^.]" : Pattern.quote(String.valueOf(c)));
        }
        return regex.toString();
    }
}
