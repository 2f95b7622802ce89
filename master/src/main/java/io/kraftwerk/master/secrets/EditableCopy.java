package io.kraftwerk.master.secrets;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import org.yaml.snakeyaml.DumperOptions.ScalarStyle;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * The copy of a YAML file that {@code kw-master secrets edit} gives an editor: every encrypted
 * value — an {@code ENC[…]} that is a whole scalar — is its plaintext, tagged {@code !secret};
 * everything else is the file byte for byte. Envelopes inside comments or longer strings are
 * not values of their own and stay as they are. {@link #seal} makes the file again from the
 * edited copy (see {@link EditedCopy}).
 */
public final class EditableCopy {
    /** The copy's first line; sealing removes exactly this line. */
    public static final String HEADER = "# kw-master secrets edit: values tagged !secret are encrypted on save (!secret:ENV+ENV:"
            + " for those environments only); tag a new value so to encrypt it. This line is removed on save.\n";
    private static final String BOM = "\uFEFF";

    private final String source;
    private final String text;
    private final List<Secret> secrets;
    private final Set<String> clearValues;

    private EditableCopy(String source, String text, List<Secret> secrets, Set<String> clearValues) {
        this.source = source;
        this.text = text;
        this.secrets = secrets;
        this.clearValues = clearValues;
    }

    /**
     * One encrypted value of the file, in the order of the file.
     *
     * @param envelope  the value as it was, {@code ENC[…]}
     * @param quote     the quote around it in the file: {@code "}, {@code '} or none
     * @param plaintext what it holds; never in a message, so not in {@link #toString}
     * @param environments the environments it is for (empty: any)
     * @param path      where it is in the file ({@link YamlSpans.Place#path()})
     */
    record Secret(String envelope, String quote, String plaintext, List<String> environments, String path) {
        @Override
        public String toString() {
            return "Secret[" + envelope + "]";
        }
    }

    /**
     * Decrypts every value of a file into the copy.
     *
     * @param source the file's name, for messages
     * @throws SecretsException when the file is not YAML, or a value does not open (its line and key id)
     */
    public static EditableCopy open(String text, String source, Reencryption.Keys keys) throws SecretsException {
        YamlSpans spans = new YamlSpans(text);
        List<Found> found = new ArrayList<>();
        Set<String> clearValues = new HashSet<>();
        for (YamlSpans.Place place : YamlSpans.places(spans.compose(source))) {
            if (isSecret(place.node())) {
                throw new SecretsException(source + ":" + YamlSpans.line(place.node()) + ": the file already has a "
                        + SecretScalar.TAG + " tag, which the editable copy gives decrypted values: remove it first");
            }
            if (!(place.node() instanceof ScalarNode scalar)) {
                continue;
            }
            Matcher m = Envelope.PATTERN.matcher(scalar.getValue());
            if (!m.matches()) {
                clearValues.add(scalar.getValue());
                continue;
            }
            String where = source + ":" + YamlSpans.line(scalar);
            int start = spans.start(scalar);
            int end = spans.end(scalar);
            YamlSpans.Properties properties = spans.properties(start, end);
            if (properties.tagged()) {
                throw new SecretsException(where + ": an encrypted value with a tag cannot be edited: remove the tag");
            }
            if (scalar.getScalarStyle() == ScalarStyle.LITERAL || scalar.getScalarStyle() == ScalarStyle.FOLDED) {
                throw new SecretsException(where + ": an encrypted value in a block scalar cannot be edited: write it on"
                        + " one line, as 'kw-master secrets encrypt' prints it");
            }
            String plaintext = Reencryption.open(m, where, keys);
            String quote = switch (scalar.getScalarStyle()) {
                case DOUBLE_QUOTED -> "\"";
                case SINGLE_QUOTED -> "'";
                default -> "";
            };
            boolean blockRoom = place.blockIndent() >= 0 && quote.isEmpty() && properties.anchor() == null
                    && end < text.length() && text.charAt(end) == '\n';
            found.add(new Found(new Secret(m.group(), quote, plaintext, Envelope.environments(m.group()), place.path()),
                    properties.contentStart(), end,
                    blockRoom ? place.blockIndent() : -1));
        }
        return new EditableCopy(source, written(text, found, source), found.stream().map(Found::secret).toList(),
                Set.copyOf(clearValues));
    }

    /** An encrypted value found in the file: where its content is, and the column a block would indent to (-1: no block). */
    private record Found(Secret secret, int start, int end, int blockIndent) {
    }

    /**
     * The copy, checked by reading it back: a block that would not read back as its value (blank
     * lines of the file after it, which a {@code |+} block keeps) is written as a quoted line instead.
     */
    private static String written(String text, List<Found> found, String source) throws SecretsException {
        Set<Integer> quotedOnly = new HashSet<>();
        String copy = render(text, found, quotedOnly);
        Set<Integer> wrong = misread(copy, found, source);
        if (!wrong.isEmpty()) {
            quotedOnly.addAll(wrong);
            copy = render(text, found, quotedOnly);
            if (!misread(copy, found, source).isEmpty()) {
                throw new IllegalStateException(source + ": the editable copy does not read back as written"
                        + " (this is a Kraftwerk bug, please report it)");
            }
        }
        return copy;
    }

    private static String render(String text, List<Found> found, Set<Integer> quotedOnly) {
        StringBuilder copy = new StringBuilder(text.length() + HEADER.length());
        int at = text.startsWith(BOM) ? BOM.length() : 0;
        copy.append(text, 0, at).append(HEADER);
        for (int i = 0; i < found.size(); i++) {
            Found f = found.get(i);
            String plaintext = f.secret().plaintext();
            String tag = SecretScalar.tag(f.secret().environments());
            Optional<String> block = f.blockIndent() < 0 || quotedOnly.contains(i) ? Optional.empty()
                    : SecretScalar.block(tag, plaintext, f.blockIndent());
            copy.append(text, at, f.start()).append(block.orElseGet(() -> SecretScalar.quoted(tag, plaintext)));
            at = f.end();
        }
        return copy.append(text, at, text.length()).toString();
    }

    /** The values that do not read back as their plaintext, by their index. */
    private static Set<Integer> misread(String copy, List<Found> found, String source) {
        List<ScalarNode> tagged = new ArrayList<>();
        try {
            for (YamlSpans.Place place : YamlSpans.places(new YamlSpans(copy).compose(source))) {
                if (place.node() instanceof ScalarNode scalar && isSecret(scalar)) {
                    tagged.add(scalar);
                }
            }
        } catch (SecretsException e) {
            // never its message: it names a place in the copy, which holds plaintexts
            throw new IllegalStateException(source + ": the editable copy is not valid YAML (this is a Kraftwerk bug,"
                    + " please report it)");
        }
        if (tagged.size() != found.size()) {
            throw new IllegalStateException(source + ": the editable copy has " + tagged.size() + " !secret values for "
                    + found.size() + " encrypted ones (this is a Kraftwerk bug, please report it)");
        }
        Set<Integer> wrong = new HashSet<>();
        for (int i = 0; i < found.size(); i++) {
            if (!tagged.get(i).getValue().equals(found.get(i).secret().plaintext())) {
                wrong.add(i);
            }
        }
        return wrong;
    }

    static boolean isSecret(Node node) {
        String tag = node.getTag().getValue();
        return tag.equals(SecretScalar.TAG) || tag.startsWith(SecretScalar.TAG + ":");
    }

    /** The environments a {@code !secret:ENV+ENV} tag names; empty for {@code !secret}. */
    static List<String> environments(Node node) {
        String tag = node.getTag().getValue();
        // SnakeYAML keeps a tag URI-escaped: the '+' between names arrives as %2B
        return tag.equals(SecretScalar.TAG) ? List.of()
                : List.of(tag.substring(SecretScalar.TAG.length() + 1).replaceAll("%2[Bb]", "+").split("\\+", -1));
    }

    /** The copy to give the editor. */
    public String text() {
        return text;
    }

    /** How many values the copy shows decrypted. */
    public int values() {
        return secrets.size();
    }

    /**
     * The file made from the edited copy.
     *
     * @throws SecretsException when the edited copy is not YAML, or a {@code !secret} tag is where
     *                          it cannot be: its line in the copy, never a value
     */
    public Sealed seal(String edited, SecretsKey to, SecureRandom random) throws SecretsException {
        return new EditedCopy(source, edited, secrets, clearValues).seal(to, random);
    }

    /** A file sealed from the edited copy, and how many of its values were kept and (re-)encrypted. */
    public record Sealed(String text, int kept, int encrypted) {
    }

    static String withoutHeader(String text) {
        if (text.startsWith(HEADER)) {
            return text.substring(HEADER.length());
        }
        if (text.startsWith(BOM + HEADER)) {
            return BOM + text.substring(BOM.length() + HEADER.length());
        }
        return text;
    }
}
