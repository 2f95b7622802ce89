package io.kraftwerk.master.secrets;

import java.security.SecureRandom;
import java.util.Optional;
import java.util.regex.Matcher;

/**
 * Every encrypted value of a text, opened with the key it names and sealed again to another key:
 * what {@code kw-master secrets rotate} does to each file of a working copy. The rest of the text
 * stays byte for byte, so a review of the commit shows only the values changing. A value keeps the
 * environments it is scoped to.
 */
public final class Reencryption {
    /** Where the old values' keys come from: the master's keys by id. */
    public interface Keys {
        Optional<SecretsKey> byId(String id) throws Exception;
    }

    /**
     * @param text   a file's text
     * @param source where it is from, for messages
     * @return the text with every value sealed to {@code to}, and how many there were
     * @throws SecretsException naming the line and the key of a value that cannot be opened
     */
    public static Result reencrypt(String text, String source, Keys keys, SecretsKey to, SecureRandom random) throws SecretsException {
        Matcher m = Envelope.PATTERN.matcher(text);
        StringBuilder out = new StringBuilder();
        int count = 0;
        while (m.find()) {
            String line = source + ":" + (text.substring(0, m.start()).chars().filter(c -> c == '\n').count() + 1);
            SecretsKey from = key(m, line, keys);
            String value = open(m, line, from);
            m.appendReplacement(out, Matcher.quoteReplacement(from.id().equals(to.id()) ? m.group()
                    : Envelope.encrypt(value, to, Envelope.environments(m.group()), random)));
            count++;
        }
        m.appendTail(out);
        return new Result(out.toString(), count);
    }

    /**
     * Opens the value a matcher of {@link Envelope#PATTERN} stands on, with the key it names.
     *
     * @param where the file and line, which every message starts with
     */
    static String open(Matcher m, String where, Keys keys) throws SecretsException {
        return open(m, where, key(m, where, keys));
    }

    private static SecretsKey key(Matcher m, String where, Keys keys) throws SecretsException {
        try {
            return keys.byId(m.group(2)).orElseThrow(() -> new SecretsException(where + ": the value is encrypted to key "
                    + m.group(2) + ", which this master does not have"));
        } catch (SecretsException e) {
            throw e;
        } catch (Exception e) {
            throw new SecretsException(where + ": key " + m.group(2) + " cannot be read: " + e.getMessage());
        }
    }

    private static String open(Matcher m, String where, SecretsKey key) throws SecretsException {
        try {
            return Envelope.decrypt(m.group(), key);
        } catch (SecretsException e) {
            throw new SecretsException(where + ": " + e.getMessage());
        }
    }

    /** A text after re-encryption, and how many values it holds. */
    public record Result(String text, int values) {
    }

    private Reencryption() {
    }
}
