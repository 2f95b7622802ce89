package io.kraftwerk.agent.facts;

/**
 * Why one source of custom facts (a file or an executable in facts.d) gives no facts this run.
 * The message says what is wrong and how to fix it; the caller puts the file's path before it.
 */
final class SourceException extends Exception {
    private static final long serialVersionUID = 1L;
    private static final int SHOWN_CHARACTERS = 200;

    SourceException(String message) {
        super(message);
    }

    /**
     * Text from a source (a key, a parser's complaint, a line of standard error) as it may appear in
     * an error: one line, no control characters (an executable's terminal escapes stay out of the
     * report), at most 200 characters.
     */
    static String shown(String text) {
        String line = text.strip().lines().findFirst().orElse("");
        StringBuilder out = new StringBuilder(Math.min(line.length(), SHOWN_CHARACTERS + 1));
        line.codePoints().limit(SHOWN_CHARACTERS).forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return line.codePointCount(0, line.length()) > SHOWN_CHARACTERS ? out + "…" : out.toString();
    }
}
