package io.kraftwerk.master.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class YamlReaderTest {

    @Test
    void everyNodeKnowsItsLineAndColumn() throws Exception {
        YMap root = (YMap) read("a:\n  b: [1, two]\n  c: {d: true}\n");
        YMap a = (YMap) root.get("a").orElseThrow();
        assertEquals(new Location("f.yaml", 1, 1), root.entries().get(0).key().location());
        YList b = (YList) a.get("b").orElseThrow();
        assertEquals(new Location("f.yaml", 2, 6), b.location());
        assertEquals(new Location("f.yaml", 2, 10), b.items().get(1).location());
        assertEquals(new Location("f.yaml", 3, 10), ((YMap) a.get("c").orElseThrow()).get("d").orElseThrow().location());
    }

    @Test
    void scalarsKeepTheirTextAndKind() throws Exception {
        YMap root = (YMap) read("mode: 0644\nquoted: '0644'\non: yes\nnothing: ~\nratio: 1.5\n");
        assertEquals(new YScalar("0644", YScalar.Kind.INT, false, new Location("f.yaml", 1, 7)), root.get("mode").orElseThrow());
        assertEquals(YScalar.Kind.STRING, ((YScalar) root.get("quoted").orElseThrow()).kind());
        assertTrue(((YScalar) root.get("quoted").orElseThrow()).quoted());
        assertEquals(YScalar.Kind.BOOL, ((YScalar) root.get("on").orElseThrow()).kind());
        assertEquals(YScalar.Kind.NULL, ((YScalar) root.get("nothing").orElseThrow()).kind());
        assertEquals(YScalar.Kind.FLOAT, ((YScalar) root.get("ratio").orElseThrow()).kind());
    }

    @Test
    void anchorsAliasesAndMergeKeysWork() throws Exception {
        YMap root = (YMap) read("base: &base {owner: root, mode: '0644'}\nfile:\n  <<: *base\n  mode: '0600'\n");
        YMap file = (YMap) root.get("file").orElseThrow();
        assertEquals(List.of("owner", "mode"), file.keys());
        assertEquals("0600", ((YScalar) file.get("mode").orElseThrow()).text());
        assertEquals("root", ((YScalar) file.get("owner").orElseThrow()).text());
    }

    @Test
    void anEmptyFileIsNull() throws Exception {
        assertNull(read("# only a comment\n"));
    }

    @Test
    void repeatedKeysAreErrorsNamingBothPlaces() {
        ManifestException e = assertThrows(ManifestException.class, () -> read("a: 1\nb: 2\na: 3\n"));
        assertEquals("f.yaml:3:1: duplicate key 'a', already set at f.yaml:1:1 (keep one of the two)", e.getMessage());
    }

    @Test
    void refusesSeveralDocuments() {
        ManifestException e = assertThrows(ManifestException.class, () -> read("a: 1\n---\nb: 2\n"));
        assertEquals("f.yaml:3:1: a second YAML document starts here, but a manifest file holds exactly one "
                + "(move it to a file of its own)", e.getMessage());
    }

    @Test
    void refusesCustomTagsAndComplexKeys() {
        ManifestException e = assertThrows(ManifestException.class, () -> read("a: !env HOME\n? [x]\n: y\n"));
        assertEquals(List.of(
                "f.yaml:1:4: unsupported YAML tag !env (remove the tag; Kraftwerk manifests use plain YAML values)",
                "f.yaml:2:3: a map key must be a plain string, not a list (write the key as text)"),
                e.diagnostics().stream().map(Diagnostic::toString).toList());
    }

    @Test
    void refusesRecursiveAliases() {
        ManifestException e = assertThrows(ManifestException.class, () -> read("a: &x [1, *x]\n"));
        assertTrue(e.getMessage().contains("this alias refers to a value that contains it"), e.getMessage());
    }

    @Test
    void refusesInvalidUtf8() {
        ManifestException e = assertThrows(ManifestException.class,
                () -> YamlReader.read("f.yaml", new byte[] {'a', ':', ' ', (byte) 0xC3, (byte) 0x28}));
        assertEquals("f.yaml: not valid UTF-8 text (save the file as UTF-8)", e.getMessage());
    }

    @Test
    void limitsAliasExpansion() {
        StringBuilder bomb = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for (char c = 'b'; c <= 'k'; c++) {
            char prev = (char) (c - 1);
            bomb.append(c).append(": &").append(c).append(" [*").append(prev).append(", *").append(prev)
                    .append(", *").append(prev).append(", *").append(prev).append(", *").append(prev)
                    .append(", *").append(prev).append(", *").append(prev).append(", *").append(prev).append("]\n");
        }
        ManifestException e = assertThrows(ManifestException.class, () -> read(bomb.toString()));
        assertTrue(e.getMessage().contains("aliases"), e.getMessage());
    }

    private static YNode read(String yaml) throws ManifestException {
        return YamlReader.read("f.yaml", yaml.getBytes(StandardCharsets.UTF_8));
    }
}
