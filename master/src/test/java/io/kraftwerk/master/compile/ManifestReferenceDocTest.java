package io.kraftwerk.master.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftwerk.master.compile.composite.WsgiApp;
import io.kraftwerk.master.compile.composite.WsgiAppSpec;
import io.kraftwerk.model.resource.ResourceType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** docs/manifest-reference.md documents exactly the attributes the compiler accepts. */
class ManifestReferenceDocTest {
    private static final Pattern ROW = Pattern.compile("^\\| `([a-z_]+)` \\|", Pattern.MULTILINE);
    private static String doc;

    @BeforeAll
    static void read() throws Exception {
        doc = Files.readString(Path.of("..", "docs", "manifest-reference.md"));
    }

    @ParameterizedTest
    @EnumSource(ResourceType.class)
    void everyResourceTypeHasItsAttributeTable(ResourceType type) {
        assertEquals(RecordBinder.attributeNames(type.recordClass()), tables(type.wireName()).get(0));
    }

    @Test
    void fileDocumentsItsCompileTimeAttributes() {
        assertEquals(FileContent.KEYS.stream().sorted().toList(), tables("file").get(1).stream().sorted().toList());
    }

    @Test
    void theCompositeDocumentsItsAttributes() {
        List<List<String>> tables = tables(WsgiApp.TYPE);
        assertEquals(RecordBinder.attributeNames(WsgiAppSpec.class), tables.get(tables.size() - 1));
    }

    @Test
    void theCommonAttributesAreDocumented() {
        String section = section("## Relationships, audit and tags", "## ");
        List<String> names = new ArrayList<>();
        Matcher m = ROW.matcher(section);
        while (m.find()) {
            names.add(m.group(1));
        }
        assertEquals(Meta.KEYS, names);
    }

    /** The attribute tables (rows whose first cell is a `name`) of the section for one type. */
    private static List<List<String>> tables(String type) {
        String section = section("### " + type + "\n", "\n### ");
        List<List<String>> tables = new ArrayList<>();
        List<String> current = null;
        for (String line : section.split("\n")) {
            Matcher m = ROW.matcher(line);
            if (m.find()) {
                if (current == null) {
                    current = new ArrayList<>();
                    tables.add(current);
                }
                current.add(m.group(1));
            } else if (!line.startsWith("|")) {
                current = null;
            }
        }
        assertTrue(!tables.isEmpty(), "no attribute table for " + type);
        return tables;
    }

    private static String section(String heading, String next) {
        int start = doc.indexOf(heading);
        assertTrue(start >= 0, "no section " + heading.strip());
        int end = doc.indexOf(next, start + heading.length());
        return doc.substring(start, end < 0 ? doc.length() : end);
    }
}
