package io.kraftwerk.master.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/** The editable copy: values decrypted as !secret scalars, and the file sealed from it again, the rest byte for byte. */
class EditableCopyTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final SecretsKey key = SecretsKey.generate(RANDOM);
    private final Reencryption.Keys keys = id -> Optional.ofNullable(id.equals(key.id()) ? key : null);

    private String enc(String value) {
        return Envelope.encrypt(value, key, RANDOM);
    }

    private static List<String> envelopes(String text) {
        List<String> found = new ArrayList<>();
        Matcher m = Envelope.PATTERN.matcher(text);
        while (m.find()) {
            found.add(m.group());
        }
        return found;
    }

    @Test
    void snakeYamlMarksATaggedNodeFromItsFirstPropertyAndABlockPastTheLineBreaksAfterIt() {
        String text = "a: !secret \"x\"\nb: &an !secret 'y'\nc: !secret |\n  l1\n\nd: 1\n";
        List<Node> values = new ArrayList<>();
        ((MappingNode) new Yaml().compose(new StringReader(text))).getValue().forEach(t -> values.add(t.getValueNode()));
        assertEquals("!secret \"x\"", span(text, values.get(0)), "a tagged node starts at its tag");
        assertEquals("&an !secret 'y'", span(text, values.get(1)), "an anchored one at its anchor");
        assertEquals("!secret |\n  l1\n\n", span(text, values.get(2)), "a block ends after the blank lines that follow it");
    }

    private static String span(String text, Node node) {
        return text.substring(node.getStartMark().getIndex(), node.getEndMark().getIndex());
    }

    @Test
    void everyValueOpensAsASecretAndAnUnchangedCopySealsToTheFileByteForByte() throws Exception {
        String pem = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\nkqhkiG9w0BAQEF\n-----END PRIVATE KEY-----\n";
        String file = "# prod 😀 values\n"
                + "db:\n"
                + "  password: " + enc("s3cr\"et\\") + "   # rotated in May\n"
                + "  quoted: \"" + enc("in quotes") + "\"\n"
                + "  flow: {user: app, token: '" + enc("tok") + "'}\n"
                + "  tls_key: " + enc(pem)
                + "\n  tail: " + enc("no newline\nat the end")
                + "\n  kept: " + enc("two\nblank\n\n")
                + "\nhosts:\n  - " + enc("first\nsecond\n")
                + "\n  - &shared " + enc("anchored")
                + "\n  - *shared\n# old: " + enc("in a comment, left alone") + "\nurl: \"x-" + enc("inside a string") + "\"\n";
        EditableCopy copy = EditableCopy.open(file, "common.yaml", keys);
        String text = copy.text();

        assertEquals(8, copy.values());
        assertTrue(text.startsWith(EditableCopy.HEADER), text);
        assertTrue(text.contains("  password: !secret \"s3cr\\\"et\\\\\"   # rotated in May\n"), text);
        assertTrue(text.contains("  quoted: !secret \"in quotes\"\n"), text);
        assertTrue(text.contains("  flow: {user: app, token: !secret \"tok\"}\n"), text);
        assertTrue(text.contains("  tls_key: !secret |\n    -----BEGIN PRIVATE KEY-----\n    MIIEvQIBADANBg\n    kqhkiG9w0BAQEF\n"
                + "    -----END PRIVATE KEY-----\n  tail:"), text);
        assertTrue(text.contains("  tail: !secret |-\n    no newline\n    at the end\n"), text);
        assertTrue(text.contains("  kept: !secret |+\n    two\n    blank\n\nhosts:"), text);
        assertTrue(text.contains("  - !secret |\n    first\n    second\n  - &shared !secret \"anchored\"\n  - *shared\n"), text);
        assertEquals(2, envelopes(text).size(), "the envelopes in a comment and inside a string stay encrypted");

        EditableCopy.Sealed sealed = copy.seal(text, key, RANDOM);
        assertEquals(file, sealed.text());
        assertEquals(8, sealed.kept());
        assertEquals(0, sealed.encrypted());
    }

    @Test
    void aValuesEnvironmentsAreItsTagsNotItsPlaces() throws Exception {
        String file = "a: " + enc("plain") + "\nb: " + Envelope.encrypt("old", key, List.of("production"), RANDOM) + "\n";
        EditableCopy copy = EditableCopy.open(file, "f.yaml", keys);
        assertTrue(copy.text().contains("b: !secret:production \"old\"\n"), copy.text());

        // 'a' removed and 'b' changed: b keeps production, though it now stands where the unscoped value stood
        String edited = copy.text().replaceFirst("a: .*\n", "").replace("\"old\"", "\"new\"");
        String envelope = envelopes(copy.seal(edited, key, RANDOM).text()).get(0);
        assertEquals(List.of("production"), Envelope.environments(envelope), envelope);
        assertEquals("new", Envelope.decrypt(envelope, key));

        // a value tagged above it: the new one is for every environment, b stays production's
        String above = copy.text().replace("a: !secret \"plain\"\n", "a: !secret \"plain\"\nn: !secret \"fresh\"\n")
                .replace("\"old\"", "\"newer\"");
        List<String> sealed = envelopes(copy.seal(above, key, RANDOM).text());
        assertEquals(List.of(List.of(), List.of(), List.of("production")), List.of(Envelope.environments(sealed.get(0)),
                Envelope.environments(sealed.get(1)), Envelope.environments(sealed.get(2))));

        // the tag says which environments: widened on purpose, it is encrypted anew for them
        String widened = envelopes(copy.seal(copy.text().replace("!secret:production", "!secret:production+dr"), key, RANDOM)
                .text()).get(1);
        assertEquals(List.of("dr", "production"), Envelope.environments(widened));
        assertThrows(SecretsException.class, () -> copy.seal(copy.text().replace("!secret:production", "!secret:prod,x"), key, RANDOM));
    }

    @Test
    void aNewValueWhereASecretWasIsRefusedWithoutItsTag() throws Exception {
        EditableCopy copy = EditableCopy.open("password: " + enc("old-pw") + "\nuser: app\n", "f.yaml", keys);
        SecretsException e = assertThrows(SecretsException.class, () -> copy.seal(
                copy.text().replace("!secret \"old-pw\"", "\"N3w-Pr0d-Pw\""), key, RANDOM));
        assertTrue(e.getMessage().contains("without !secret it would be written in clear"), e.getMessage());
        assertFalse(e.getMessage().contains("N3w"), e.getMessage());
        assertEquals("user: app\n", copy.seal(copy.text().replaceFirst("password: .*\n", ""), key, RANDOM).text(),
                "removing the key is fine");
    }

    @Test
    void aChangedValueIsEncryptedAnewANewlyTaggedOneTooAndTheOthersKeepTheirEnvelopes() throws Exception {
        String a = enc("alpha");
        String b = enc("beta");
        String file = "a: " + a + "\nb: \"" + b + "\"\nc: plain\nlist: [x, y]\n";
        EditableCopy copy = EditableCopy.open(file, "f.yaml", keys);
        String edited = copy.text().replace("\"beta\"", "\"beta two\"").replace("c: plain", "c: !secret new one")
                .replace("[x, y]", "[x, !secret 'y']");

        EditableCopy.Sealed sealed = copy.seal(edited, key, RANDOM);
        assertEquals(1, sealed.kept());
        assertEquals(3, sealed.encrypted());
        List<String> values = envelopes(sealed.text());
        assertEquals(a, values.get(0), "unchanged: the same envelope");
        assertNotEquals(b, values.get(1));
        assertEquals(List.of("alpha", "beta two", "new one", "y"), decrypted(values));
        assertEquals("a: X\nb: \"X\"\nc: X\nlist: [x, \"X\"]\n", Envelope.PATTERN.matcher(sealed.text()).replaceAll("X"),
                "the quoting of the file, and quotes where a flow needs them");
    }

    private List<String> decrypted(List<String> envelopes) throws SecretsException {
        List<String> values = new ArrayList<>();
        for (String e : envelopes) {
            values.add(Envelope.decrypt(e, key));
        }
        return values;
    }

    @ParameterizedTest
    @ValueSource(strings = {"line one\nline two\n", "no newline\nat the end", "kept\n\n", "more kept\n\n\n",
        "trailing blanks  \n\tand a tab\n", "inner\n\nblank lines\n", "spaces\n   \nonly\n"})
    void aValueOfSeveralLinesRoundTripsThroughABlockExactly(String value) throws Exception {
        String envelope = enc(value);
        String file = "top:\n  - name: x\n    value: " + envelope + "\n  - other\nlast: 1\n";
        EditableCopy copy = EditableCopy.open(file, "f.yaml", keys);
        assertTrue(copy.text().contains("    value: !secret |"), copy.text());
        assertEquals(file, copy.seal(copy.text(), key, RANDOM).text());

        String changed = copy.text().replaceFirst("(    value: !secret \\|[-+]?\n)", "$1      new first line\n");
        EditableCopy.Sealed sealed = copy.seal(changed, key, RANDOM);
        assertEquals(1, sealed.encrypted());
        assertEquals(List.of("new first line\n" + value), decrypted(envelopes(sealed.text())));
        assertEquals("top:\n  - name: x\n    value: X\n  - other\nlast: 1\n", Envelope.PATTERN.matcher(sealed.text()).replaceAll("X"));
    }

    @Test
    void aKeptBlockThatWouldSwallowTheFilesBlankLinesIsAQuotedLineInstead() throws Exception {
        String file = "a: " + enc("x\n\n") + "\n\nb: 1\n";
        EditableCopy copy = EditableCopy.open(file, "f.yaml", keys);
        assertTrue(copy.text().contains("a: !secret \"x\\n\\n\"\n\nb: 1"), copy.text());
        assertEquals(file, copy.seal(copy.text(), key, RANDOM).text());
    }

    @ParameterizedTest
    @ValueSource(strings = {"cr\r\nlf", "nel\u0085ls\u2028", "bell\u0007nul\u0000", " leading blank\nline", "\nleading newline",
        "quote \" backslash \\ tab\t", "emoji 😀 and ünïcödé", "bom\uFEFF", "ends with blank "})
    void aValueABlockCannotHoldIsAnEscapedLineThatReadsBackExactly(String value) throws Exception {
        String file = "k: " + enc(value) + "\n";
        EditableCopy copy = EditableCopy.open(file, "f.yaml", keys);
        assertTrue(copy.text().contains("k: !secret \""), copy.text());
        assertEquals(1, copy.text().lines().count() - 1, "one line");
        assertEquals(file, copy.seal(copy.text(), key, RANDOM).text(), "read back as the same value");
    }

    @Test
    void anEditedBlockKeepsTheLinesAfterItAsTheyWere() throws Exception {
        String file = "a:\n  b: " + enc("one\ntwo\n") + "\n\n  # note\n  c: 1\n";
        EditableCopy copy = EditableCopy.open(file, "f.yaml", keys);
        EditableCopy.Sealed sealed = copy.seal(copy.text().replace("    two\n", "    two!\n"), key, RANDOM);
        assertEquals("a:\n  b: X\n\n  # note\n  c: 1\n", Envelope.PATTERN.matcher(sealed.text()).replaceAll("X"));
        assertEquals(List.of("one\ntwo!\n"), decrypted(envelopes(sealed.text())));
    }

    @Test
    void aCopyThatIsNotYamlIsRefusedAtItsLineWithoutItsText() throws Exception {
        EditableCopy copy = EditableCopy.open("a: " + enc("hunter2") + "\nb: 1\n", "f.yaml", keys);
        SecretsException e = assertThrows(SecretsException.class,
                () -> copy.seal(copy.text().replace("b: 1", "b: \"hunter2\t\\q\""), key, RANDOM));
        assertTrue(e.getMessage().startsWith("f.yaml:3:"), e.getMessage());
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    }

    @Test
    void snakeYamlsProblemsKeepTheirPunctuationButNoLetterOrDigitOfTheText() {
        assertEquals("expected ',' or '}', but found a character; unknown escape a character; '<scalar>'; character '\\t'",
                YamlSpans.redacted("expected ',' or '}', but found 'x9'; unknown escape q(113); '<scalar>'; character '\\t'"));
    }

    @Test
    void aSecretTagOnAMapOrAnEmptyValueIsRefused() throws Exception {
        EditableCopy copy = EditableCopy.open("a: 1\n", "f.yaml", keys);
        SecretsException map = assertThrows(SecretsException.class,
                () -> copy.seal(copy.text() + "b: !secret\n  c: 1\n", key, RANDOM));
        assertTrue(map.getMessage().startsWith("f.yaml:3: !secret tags a map"), map.getMessage());
        SecretsException empty = assertThrows(SecretsException.class, () -> copy.seal(copy.text() + "b: !secret\n", key, RANDOM));
        assertTrue(empty.getMessage().contains("empty"), empty.getMessage());
    }

    @Test
    void aSecretWhoseTagWasRemovedIsNotWrittenInClear() throws Exception {
        EditableCopy copy = EditableCopy.open("a: " + enc("hunter2") + "\nb: open\n", "f.yaml", keys);
        SecretsException e = assertThrows(SecretsException.class,
                () -> copy.seal(copy.text().replace("!secret \"hunter2\"", "hunter2"), key, RANDOM));
        assertTrue(e.getMessage().startsWith("f.yaml:2: this value was encrypted"), e.getMessage());
        assertEquals(1, copy.seal(copy.text().replace("b: open", "c: open"), key, RANDOM).kept(),
                "a value the file had in clear stays clear");
    }

    @Test
    void aValueForAKeyTheMasterDoesNotHaveIsRefusedBeforeAnythingIsDecrypted() {
        SecretsKey other = SecretsKey.generate(RANDOM);
        String file = "a: " + enc("mine") + "\nb:\n  - " + Envelope.encrypt("theirs", other, RANDOM) + "\n";
        SecretsException e = assertThrows(SecretsException.class, () -> EditableCopy.open(file, "f.yaml", keys));
        assertEquals("f.yaml:3: the value is encrypted to key " + other.id() + ", which this master does not have", e.getMessage());
    }

    @Test
    void aFileThatIsNotYamlOrAlreadyHasTheTagIsNotOpened() {
        assertTrue(assertThrows(SecretsException.class, () -> EditableCopy.open("a: [1\n", "f.yaml", keys))
                .getMessage().startsWith("f.yaml:2:1: not valid YAML"));
        assertTrue(assertThrows(SecretsException.class, () -> EditableCopy.open("a: !secret x\n", "f.yaml", keys))
                .getMessage().startsWith("f.yaml:1: the file already has a !secret tag"));
    }

    @Test
    void aValueTaggedAboveTheOthersOrARemovedOneLeavesTheOthersTheirEnvelopes() throws Exception {
        String one = enc("one");
        String two = enc("two");
        String three = enc("three");
        String file = "a: " + one + "\nb: \"" + two + "\"\nc: " + three + "\n";
        EditableCopy copy = EditableCopy.open(file, "f.yaml", keys);

        EditableCopy.Sealed added = copy.seal(copy.text().replace("a: ", "new: !secret zero\na: "), key, RANDOM);
        assertEquals(3, added.kept());
        assertEquals(1, added.encrypted());
        assertEquals("new: X\na: " + one + "\nb: \"" + two + "\"\nc: " + three + "\n",
                added.text().replaceFirst(Envelope.PATTERN.pattern(), "X"), "each value its own envelope and quotes, as before");

        String removed = copy.text().substring(EditableCopy.HEADER.length()).replaceFirst("a: .*\n", "");
        EditableCopy.Sealed sealed = copy.seal(removed, key, RANDOM);
        assertEquals("b: \"" + two + "\"\nc: " + three + "\n", sealed.text(), "the header line may go too");
        assertEquals(2, sealed.kept());
    }

    @Test
    void equalValuesKeepTheirOwnEnvelopes() throws Exception {
        String file = "a: " + enc("same") + "\nb: " + enc("same") + "\n";
        EditableCopy copy = EditableCopy.open(file, "f.yaml", keys);
        assertEquals(file, copy.seal(copy.text(), key, RANDOM).text());
    }
}
