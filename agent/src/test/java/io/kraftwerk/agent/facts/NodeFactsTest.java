package io.kraftwerk.agent.facts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kraftwerk.agent.exec.CommandRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The facts a node sends: the built-in ones as they are, and facts.d's under custom alone. */
class NodeFactsTest {
    /** Nothing is installed in the test tree, so no built-in fact runs a tool. */
    private static final CommandRunner NOTHING_INSTALLED = (argv, env, stdin) -> {
        throw new AssertionError("nothing is installed in the test tree: " + argv);
    };

    @TempDir
    Path root;

    @Test
    void customFactsLiveUnderCustomAloneAndNeverReplaceABuiltInOne() throws Exception {
        Path factsD = Files.createDirectories(root.resolve("etc/kraftwerk/facts.d"));
        for (Path dir : List.of(root.resolve("etc"), root.resolve("etc/kraftwerk"), factsD)) {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.writeString(factsD.resolve("impostor.yaml"), "os: hacked\nhostname: evil\ncustom: nested\n");
        Files.setPosixFilePermissions(factsD.resolve("impostor.yaml"), PosixFilePermissions.fromString("rw-r--r--"));
        NodeFacts facts = NodeFacts.of(root, NOTHING_INSTALLED);
        assertEquals(List.of(), facts.errors());
        assertEquals(Map.of("os", "hacked", "hostname", "evil", "custom", "nested"), facts.values().get("custom"));
        assertEquals("localhost", facts.values().get("hostname"), "the node's own name, not the file's");
        assertEquals("linux", ((Map<?, ?>) facts.values().get("os")).get("id"));
        assertEquals(builtInNamesAnd("custom"), facts.values().keySet());
    }

    @Test
    void customIsThereAndEmptyWithoutFactsD() {
        NodeFacts facts = NodeFacts.of(root, NOTHING_INSTALLED);
        assertEquals(Map.of(), facts.values().get("custom"));
        assertEquals(List.of(), facts.errors());
    }

    private Set<String> builtInNamesAnd(String name) {
        Set<String> names = new HashSet<>(new FactsCollector(root, (argv, env, stdin) -> {
            throw new AssertionError("nothing is installed in the test tree: " + argv);
        }).collect().keySet());
        names.add(name);
        return names;
    }
}
