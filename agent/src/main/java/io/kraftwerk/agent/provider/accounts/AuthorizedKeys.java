package io.kraftwerk.agent.provider.accounts;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The lines of an authorized_keys file, as sshd reads them: optional options (commas between, quotes
 * may hold blanks and commas), the key type, the base64 key, an optional comment. Lines are told
 * apart by their key alone, which is what identifies a key to sshd.
 */
final class AuthorizedKeys {
    private static final Pattern KEY_TYPE = Pattern.compile("(ssh-|ecdsa-|sk-)[A-Za-z0-9@.-]+");
    private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/]+={0,2}");

    private AuthorizedKeys() {
    }

    /** The key of a line, or empty for blank lines, comments and lines sshd could not read. */
    static Optional<String> keyOf(String line) {
        List<String> words = words(line.strip());
        if (words.isEmpty() || words.get(0).startsWith("#")) {
            return Optional.empty();
        }
        // with options the type is the second word, without them the first
        for (int i = 0; i < Math.min(2, words.size() - 1); i++) {
            if (KEY_TYPE.matcher(words.get(i)).matches() && BASE64.matcher(words.get(i + 1)).matches()) {
                return Optional.of(words.get(i + 1));
            }
        }
        return Optional.empty();
    }

    /** Words split at blanks outside double quotes (a backslash escapes a quote inside them). */
    static List<String> words(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\' && quoted && i + 1 < line.length()) {
                word.append(c).append(line.charAt(++i));
            } else if (c == '"') {
                quoted = !quoted;
                word.append(c);
            } else if ((c == ' ' || c == '\t') && !quoted) {
                if (!word.isEmpty()) {
                    out.add(word.toString());
                    word.setLength(0);
                }
            } else {
                word.append(c);
            }
        }
        if (!word.isEmpty()) {
            out.add(word.toString());
        }
        return out;
    }
}
