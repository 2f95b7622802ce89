package io.kraftwerk.master.secrets;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The public half of a secrets key as one line of text, for CI and operators who encrypt without
 * the master: {@code kraftwerk-secrets-key KW1 KEYID BASE64}. The id is checked against the key,
 * so a line edited by hand cannot make values that name one key and need another.
 */
public final class PublicKeyLine {
    private static final Pattern LINE = Pattern.compile("kraftwerk-secrets-key (KW[0-9]+) ([0-9a-f]{16}) ([A-Za-z0-9+/=]+)");

    private PublicKeyLine() {
    }

    public static String of(SecretsKey key) {
        return "kraftwerk-secrets-key " + Envelope.VERSION + " " + key.id() + " " + Base64.getEncoder().encodeToString(key.publicBytes());
    }

    /**
     * Every key of a public-key file such as the manifests' {@code secrets.pub}: one line each, blank
     * lines and {@code #} comments skipped; the first is the one new values are encrypted to.
     */
    public static List<SecretsKey> parseAll(String text, String source) throws SecretsException {
        List<SecretsKey> keys = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                keys.add(parse(line));
            } catch (SecretsException e) {
                throw new SecretsException(source + ":" + (i + 1) + ": " + e.getMessage());
            }
        }
        if (keys.isEmpty()) {
            throw new SecretsException(source + " holds no key: put the line 'kw-master secrets public-key' prints into it");
        }
        return keys;
    }

    public static SecretsKey parse(String text) throws SecretsException {
        Matcher m = LINE.matcher(text.strip());
        if (!m.matches()) {
            throw new SecretsException("not a secrets public key: it must read 'kraftwerk-secrets-key KW1 KEYID BASE64'"
                    + " as 'kw-master secrets public-key' prints it");
        }
        if (!m.group(1).equals(Envelope.VERSION)) {
            throw new SecretsException("a public key for format " + m.group(1) + ", which this version does not write");
        }
        SecretsKey key;
        try {
            key = SecretsKey.ofPublic(Base64.getDecoder().decode(m.group(3)));
        } catch (IllegalArgumentException e) {
            throw new SecretsException("the public key is not base64");
        }
        if (!key.id().equals(m.group(2))) {
            throw new SecretsException("the line names key " + m.group(2) + " but holds key " + key.id());
        }
        return key;
    }
}
