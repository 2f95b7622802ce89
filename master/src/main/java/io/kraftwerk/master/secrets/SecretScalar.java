package io.kraftwerk.master.secrets;

import java.util.List;
import java.util.Optional;

/**
 * A decrypted value as the YAML scalar tagged {@code !secret} that {@code kw-master secrets edit}
 * shows in its copy: a literal block for a value of several lines where the file has room for one
 * (a PEM key then reads as itself), else one double-quoted line with YAML escapes, which holds any
 * value exactly. Whether a block reads back as the value in its place is checked by the caller,
 * who falls back to the quoted line.
 */
final class SecretScalar {
    static final String TAG = "!secret";

    /** The tag of a value for some environments only, {@code !secret:production+dr}; {@code !secret} for any. */
    static String tag(List<String> environments) {
        return environments.isEmpty() ? TAG : TAG + ":" + String.join("+", environments);
    }

    private SecretScalar() {
    }

    /** {@code !secret "…"}: every character that is not plainly printable escaped, so the line stays one line. */
    static String quoted(String tag, String value) {
        StringBuilder out = new StringBuilder(tag).append(" \"");
        value.codePoints().forEach(c -> {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                case 0 -> out.append("\\0");
                default -> {
                    if (printable(c)) {
                        out.appendCodePoint(c);
                    } else if (c <= 0xFF) {
                        out.append(String.format("\\x%02x", c));
                    } else if (c <= 0xFFFF) {
                        out.append(String.format("\\u%04x", c));
                    } else {
                        out.append(String.format("\\U%08x", c));
                    }
                }
            }
        });
        return out.append('"').toString();
    }

    /**
     * {@code !secret |} and the value's lines, each at column {@code indent} (empty lines left
     * empty), without the last line break: the line break that followed the envelope in the file
     * ends the last line. Chomping says how the value ends: {@code |-} without a line break,
     * {@code |} with one, {@code |+} with more.
     *
     * @return empty when the value has one line, or characters a block would not keep as they are
     *         (line breaks other than LF, control characters, a first line that is empty or starts
     *         with a blank, which a block's indentation would swallow)
     */
    static Optional<String> block(String tag, String value, int indent) {
        if (!value.contains("\n") || value.startsWith("\n") || value.startsWith(" ") || value.startsWith("\t")
                || !value.codePoints().allMatch(c -> c == '\n' || c == '\t' || printable(c))) {
            return Optional.empty();
        }
        String body = value.endsWith("\n") ? value.substring(0, value.length() - 1) : value;
        String chomping = !value.endsWith("\n") ? "-" : value.endsWith("\n\n") ? "+" : "";
        StringBuilder out = new StringBuilder(tag).append(" |").append(chomping);
        for (String line : body.split("\n", -1)) {
            out.append('\n');
            if (!line.isEmpty()) {
                out.append(" ".repeat(indent)).append(line);
            }
        }
        return Optional.of(out.toString());
    }

    /**
     * YAML's printable characters, less those SnakeYAML reads as line breaks (NEL, LS, PS) and the
     * byte order mark: written as they are, they would not come back as they were.
     */
    private static boolean printable(int c) {
        return (c >= 0x20 && c <= 0x7E) || (c >= 0xA0 && c <= 0xD7FF && c != 0x2028 && c != 0x2029)
                || (c >= 0xE000 && c <= 0xFFFD && c != 0xFEFF) || (c >= 0x10000 && c <= 0x10FFFF);
    }
}
