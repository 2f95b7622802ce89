package io.kraftwerk.master.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftwerk.master.secrets.EditableCopy;
import io.kraftwerk.master.secrets.Envelope;
import io.kraftwerk.master.secrets.SecretsKey;
import io.kraftwerk.master.secrets.SecretsKeys;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code kw-master secrets edit}: a real editor (a shell script that records what it saw and edits
 * the copy with sed) on a private copy that is gone afterwards; only values that changed get new
 * envelopes, and nothing that goes wrong changes the file or prints a plaintext.
 */
class SecretsEditCommandTest extends CliTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String PEM = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n";

    @TempDir
    Path tmp;
    private Path data;
    private Path record;
    private SecretsKeys keys;
    private SecretsKey key;
    private Map<String, String> environment = Map.of();
    private SecretsEditCommand.Terminal terminal;

    @BeforeEach
    void aMasterWithAKey() throws Exception {
        data = tmp.resolve("data");
        record = tmp.resolve("record");
        keys = new SecretsKeys(data.resolve("secrets"));
        key = keys.currentOrCreate();
    }

    /** {@code kw-master secrets edit FILE --data-dir DATA}, with the test's environment and terminal. */
    private int edit(Path file) {
        out = new StringWriter();
        err = new StringWriter();
        CommandLine cli = KwMaster.commandLine();
        SecretsEditCommand edit = cli.getSubcommands().get("secrets").getSubcommands().get("edit").getCommand();
        edit.environment = environment;
        edit.terminal = terminal;
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute("secrets", "edit", file.toString(), "--data-dir", data.toString());
    }

    /**
     * Makes EDITOR a script that records its arguments, the copy's mode, its directory's mode and
     * its text, then runs {@code commands} with the copy's path in $f.
     */
    private void editor(String commands) throws Exception {
        Path script = tmp.resolve("editor.sh");
        Files.writeString(script, "#!/bin/sh\nset -e\nfor f in \"$@\"; do :; done\nr='" + record + "'\nmkdir -p \"$r\"\n"
                + "printf '%s\\n' \"$@\" > \"$r/argv\"\nstat -c %a \"$f\" > \"$r/mode\"\n"
                + "stat -c %a \"$(dirname \"$f\")\" > \"$r/dirmode\"\ncp \"$f\" \"$r/copy\"\n" + commands + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        environment = Map.of("EDITOR", script.toString());
    }

    private String recorded(String name) throws Exception {
        return Files.readString(record.resolve(name));
    }

    private String enc(String value) {
        return Envelope.encrypt(value, key, RANDOM);
    }

    private List<String> values(Path file) throws Exception {
        List<String> values = new ArrayList<>();
        Matcher m = Envelope.PATTERN.matcher(Files.readString(file));
        while (m.find()) {
            values.add(Envelope.decrypt(m.group(), keys.byId(m.group(2)).orElseThrow()));
        }
        return values;
    }

    private void assertNothingPrinted(String... plaintexts) {
        for (String p : plaintexts) {
            assertFalse(out.toString().contains(p) || err.toString().contains(p), "printed a plaintext: " + out + err);
        }
    }

    @Test
    void theCopyIsPrivateAndGoneAfterwardsAndOnlyTheChangedAndNewValuesGetNewEnvelopes() throws Exception {
        String api = enc("tok-9f1e");
        Path file = Files.writeString(tmp.resolve("common.yaml"), "# prod\ndb:\n  password: " + enc("hunter2")
                + "   # rotated in May\n  user: app\n  api: \"" + api + "\"\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        editor("sed -i 's/\"hunter2\"/\"hunter3\"/; s/^  user: app$/  user: app\\n  new: !secret fresh/' \"$f\"");

        assertEquals(0, edit(file), err.toString());
        assertEquals("600\n", recorded("mode"));
        assertEquals("700\n", recorded("dirmode"));
        Path copy = Path.of(recorded("argv").strip());
        assertEquals("common.yaml", copy.getFileName().toString(), "the file's name, for the editor's highlighting");
        assertFalse(Files.exists(copy.getParent()), "the copy's directory is gone");
        assertEquals(EditableCopy.HEADER + "# prod\ndb:\n  password: !secret \"hunter2\"   # rotated in May\n  user: app\n"
                + "  api: !secret \"tok-9f1e\"\n", recorded("copy"));

        String text = Files.readString(file);
        assertEquals("# prod\ndb:\n  password: X   # rotated in May\n  user: app\n  new: X\n  api: \"X\"\n",
                Envelope.PATTERN.matcher(text).replaceAll("X"), "the rest of the file byte for byte");
        assertTrue(text.contains("  api: \"" + api + "\"\n"), "an unchanged value keeps its exact envelope");
        assertEquals(List.of("hunter3", "fresh", "tok-9f1e"), values(file));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), "the file's mode kept");
        assertEquals("kept 1 value(s), encrypted 2 new or changed value(s) to key " + key.id() + " in " + file + "\n",
                out.toString());
        assertNothingPrinted("hunter", "fresh", "tok-9f1e");
        try (var left = Files.list(tmp)) {
            assertEquals(List.of("common.yaml", "data", "editor.sh", "record"), left.map(p -> p.getFileName().toString()).sorted()
                    .toList(), "no temporary file beside it");
        }
    }

    @Test
    void aValueOfSeveralLinesRoundTripsExactlyThroughABlockWithOrWithoutItsLastLineBreak() throws Exception {
        String tail = enc("line one\nline two");
        Path file = Files.writeString(tmp.resolve("tls.yaml"), "tls:\n  key: " + enc(PEM) + "\n  tail: " + tail + "\n  port: 443\n");
        Files.setLastModifiedTime(file, FileTime.fromMillis(0));
        String before = Files.readString(file);
        editor(":");

        assertEquals(0, edit(file), err.toString());
        assertEquals(EditableCopy.HEADER + "tls:\n  key: !secret |\n    -----BEGIN PRIVATE KEY-----\n"
                + "    MIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n    -----END PRIVATE KEY-----\n  tail: !secret |-\n    line one\n    line two\n"
                + "  port: 443\n", recorded("copy"));
        assertEquals("no change: " + file + " is not rewritten\n", out.toString());
        assertEquals(before, Files.readString(file));
        assertEquals(FileTime.fromMillis(0), Files.getLastModifiedTime(file), "not even rewritten");

        editor("sed -i 's/^    MIIEvQIB.*$/    MIIEchanged/' \"$f\"");
        assertEquals(0, edit(file), err.toString());
        assertEquals(List.of(PEM.replace("MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", "MIIEchanged"), "line one\nline two"), values(file));
        assertTrue(Files.readString(file).contains("  tail: " + tail + "\n  port: 443\n"), Files.readString(file));
        assertNothingPrinted("MIIE", "line one");
    }

    @Test
    void aCtrlCWhileTheEditorRunsNeitherEndsTheCommandNorLosesTheEdit() throws Exception {
        Path file = Files.writeString(tmp.resolve("common.yaml"), "password: " + Envelope.encrypt("hunter2", key, new SecureRandom()) + "\n");
        // what a terminal's Ctrl-C does to the editor's process group, which this command (the test's JVM) is in
        editor("kill -INT $PPID\nsed -i 's/hunter2/hunter3/' \"$f\"");
        assertEquals(0, edit(file), err.toString());
        Matcher m = Envelope.PATTERN.matcher(Files.readString(file));
        assertTrue(m.find());
        assertEquals("hunter3", Envelope.decrypt(m.group(), key));
    }

    @Test
    void anEditorThatFailsLeavesTheFileAsItWas() throws Exception {
        String text = "a: " + enc("hunter2") + "\n";
        Path file = Files.writeString(tmp.resolve("f.yaml"), text);
        editor("echo 'a: !secret other' > \"$f\"\nexit 3");

        assertEquals(1, edit(file));
        assertTrue(err.toString().contains("exited with status 3 (" + file + " is unchanged)"), err.toString());
        assertEquals(text, Files.readString(file));
        assertFalse(Files.exists(Path.of(recorded("argv").strip()).getParent()));
        assertNothingPrinted("hunter2", "other");
    }

    @Test
    void aCopyThatNoLongerReadsIsDeletedWithTheFileUnchangedWhenNoOneIsAtATerminal() throws Exception {
        String text = "a: " + enc("hunter2") + "\n";
        Path file = Files.writeString(tmp.resolve("f.yaml"), text);
        editor("sed -i 's/hunter2/hunter3/' \"$f\"\nprintf 'b: [unclosed, hunter3\\n' >> \"$f\"");

        assertEquals(1, edit(file));
        assertTrue(err.toString().startsWith("kw-master secrets edit: " + file + ":4:1: not valid YAML"), err.toString());
        assertTrue(err.toString().contains("the edited copy is deleted"), err.toString());
        assertEquals(text, Files.readString(file));
        assertFalse(Files.exists(Path.of(recorded("argv").strip()).getParent()));
        assertNothingPrinted("hunter");
    }

    @Test
    void atATerminalTheEditorReopensOnTheSameCopyToFixIt() throws Exception {
        Path file = Files.writeString(tmp.resolve("f.yaml"), "a: " + enc("hunter2") + "\n");
        List<String> asked = new ArrayList<>();
        terminal = question -> asked.add(question);
        editor("if [ -e \"$r/once\" ]; then grep -q unclosed \"$f\"; sed -i '/unclosed/d' \"$f\"; else touch \"$r/once\";"
                + " sed -i 's/hunter2/hunter3/' \"$f\"; printf 'b: !secret [unclosed\\n' >> \"$f\"; fi");

        assertEquals(0, edit(file), err.toString());
        assertEquals(List.of("Reopen the editor on your copy to fix it? [Y/n] "), asked);
        assertTrue(err.toString().startsWith("kw-master secrets edit: " + file + ":4:1: not valid YAML"), err.toString());
        assertEquals(List.of("hunter3"), values(file), "the edit made before the mistake is kept");
        assertNothingPrinted("hunter");
    }

    @Test
    void aValueForAKeyTheMasterDoesNotHaveIsRefusedBeforeTheEditorOpens() throws Exception {
        SecretsKey other = SecretsKey.generate(RANDOM);
        String text = "a: " + enc("mine") + "\nb: " + Envelope.encrypt("theirs", other, RANDOM) + "\n";
        Path file = Files.writeString(tmp.resolve("f.yaml"), text);
        editor(":");

        assertEquals(1, edit(file));
        assertEquals("kw-master secrets edit: " + file + ":2: the value is encrypted to key " + other.id()
                + ", which this master does not have (" + file + " is unchanged)\n", err.toString());
        assertFalse(Files.exists(record), "the editor never ran");
        assertEquals(text, Files.readString(file));
    }

    @Test
    void onlyARegularFileIsEdited() throws Exception {
        Path target = Files.writeString(tmp.resolve("real.yaml"), "a: 1\n");
        Path link = Files.createSymbolicLink(tmp.resolve("link.yaml"), target);
        editor(":");
        assertEquals(1, edit(link));
        assertEquals("kw-master secrets edit: " + link + " is a symbolic link: edit the file it points to\n", err.toString());
        assertEquals(1, edit(tmp));
        assertFalse(Files.exists(record));
    }

    @Test
    void theEditorIsVisualElseEditorElseViSplitOnBlanksIntoItsOwnArguments() throws Exception {
        assertEquals(List.of("code", "--wait"), SecretsEditCommand.editor(Map.of("VISUAL", " code  --wait ", "EDITOR", "nano")));
        assertEquals(List.of("nano", "-w"), SecretsEditCommand.editor(Map.of("VISUAL", " ", "EDITOR", "nano -w")));
        assertEquals(List.of("vi"), SecretsEditCommand.editor(Map.of()));

        Path file = Files.writeString(tmp.resolve("f.yaml"), "a: 1\n");
        editor(":");
        environment = Map.of("VISUAL", environment.get("EDITOR") + " --flag 'two words'", "EDITOR", "false");
        assertEquals(0, edit(file), err.toString());
        List<String> argv = recorded("argv").lines().toList();
        assertEquals(List.of("--flag", "'two", "words'"), argv.subList(0, 3), "no shell: quotes are not special");
        assertNotEquals(file.toString(), argv.get(3), "the copy, not the file");
    }
}
