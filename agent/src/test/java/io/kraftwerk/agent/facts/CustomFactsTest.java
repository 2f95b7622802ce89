package io.kraftwerk.agent.facts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * facts.d over a temporary root: each kind of source, each bound, each way a source is refused.
 * Runs as root (the agent does), so that files can be given to nobody.
 */
class CustomFactsTest {
    private static final Duration FAST = Duration.ofMillis(300);

    @TempDir
    Path root;

    private Path factsD;

    @BeforeEach
    void factsDirectory() throws Exception {
        factsD = root.resolve("etc/kraftwerk/facts.d");
        Files.createDirectories(factsD);
        Files.setPosixFilePermissions(root.resolve("etc"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(root.resolve("etc/kraftwerk"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(factsD, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void jsonYamlAndKeyValueFilesGiveTheirTopLevelKeysAsFacts() throws Exception {
        write("10-rack.json", "{\"rack\": \"r12\", \"position\": {\"row\": 3, \"slot\": 7}}");
        write("20-site.yaml", "datacenter: fra1\nuplinks: [sw1, sw2]\ncommissioned: 2024-05-01\nweight: 1.5\nmonitored: true\n");
        write("30-team.yml", "team: web\n");
        write("40-owner.txt", "# who to call\nowner = web-team\n\nescalation=ops=24x7\n");
        CustomFacts.Result result = read();
        assertEquals(List.of(), result.errors());
        assertEquals(Map.of("rack", "r12", "position", Map.of("row", 3, "slot", 7), "datacenter", "fra1",
                "uplinks", List.of("sw1", "sw2"), "commissioned", "2024-05-01", "weight", 1.5, "monitored", true,
                "team", "web", "owner", "web-team", "escalation", "ops=24x7"), result.facts());
    }

    @Test
    void noFactsDirectoryGivesNoFactsAndNoErrors() throws Exception {
        Files.delete(factsD);
        assertEquals(new CustomFacts.Result(Map.of(), List.of()), read());
    }

    @Test
    void anExecutableIsRunAloneFromTheRootWithNothingOnItsInputInACleanEnvironment() throws Exception {
        script("location", "printf '{\"cwd\": \"%s\", \"arguments\": %d, \"input\": \"%s\", \"home\": \"%s\", \"locale\": \"%s\"}'"
                + " \"$(pwd)\" $# \"$(cat)\" \"${HOME:-unset}\" \"$LC_ALL\"\n");
        CustomFacts.Result result = read();
        assertEquals(List.of(), result.errors());
        assertEquals(Map.of("cwd", "/", "arguments", 0, "input", "", "home", "unset", "locale", "C.UTF-8"), result.facts());
    }

    @Test
    void anExecutableMayPrintJsonYamlOrKeyValueLines() throws Exception {
        script("a-json", "echo '{\"rack\": \"r12\"}'\n");
        script("b-yaml", "echo 'datacenter: fra1'; echo 'uplinks: [sw1, sw2]'\n");
        script("c-lines", "echo '# generated'; echo 'owner=web-team'\n");
        script("d-nothing", "exit 0\n");
        CustomFacts.Result result = read();
        assertEquals(List.of(), result.errors());
        assertEquals(Map.of("rack", "r12", "datacenter", "fra1", "uplinks", List.of("sw1", "sw2"), "owner", "web-team"),
                result.facts());
    }

    @Test
    void anExecutableThatRunsTooLongIsStoppedWithWhatItStartedAndTheOthersStillCount() throws Exception {
        Path pid = root.resolve("child.pid");
        script("10-slow", "sleep 60 &\necho $! > " + pid + "\nwait\n");
        write("20-rack.yaml", "rack: r12\n");
        long start = System.nanoTime();
        CustomFacts.Result result = read(new CustomFacts.Limits(FAST, Duration.ofSeconds(60), 64 * 1024, 256 * 1024, 64));
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(20).toNanos(), "did not wait for sleep 60");
        assertEquals(List.of(factsD.resolve("10-slow") + ": timed out after 0.3 s: stopped with the processes it started (make"
                + " it faster, or have it print facts it keeps in a file)"), result.errors());
        assertEquals(Map.of("rack", "r12"), result.facts());
        assertFalse(stillRunning(Long.parseLong(Files.readString(pid).strip())), "the sleep it started was killed too");
    }

    @Test
    void executablesGetOneTimeBetweenThemAndThoseAfterItRunsOutAreNotRun() throws Exception {
        Path marker = root.resolve("ran");
        script("10-slow", "sleep 60\n");
        script("20-late", "touch " + marker + "\necho late=yes\n");
        CustomFacts.Result result = read(new CustomFacts.Limits(Duration.ofSeconds(10), FAST, 64 * 1024, 256 * 1024, 64));
        assertEquals(List.of(factsD.resolve("10-slow") + ": timed out after 0.3 s: stopped with the processes it started (make"
                        + " it faster, or have it print facts it keeps in a file)",
                factsD.resolve("20-late") + ": not run: the entries before it took the 0.3 s all of facts.d may take (make them"
                        + " faster)"), result.errors());
        assertFalse(Files.exists(marker));
    }

    @Test
    void anExecutableThatPrintsTooMuchIsStoppedAndGivesNothing() throws Exception {
        script("chatty", "echo 'rack: r12'\nwhile :; do echo 'filler: 0123456789012345678901234567890123456789'; done\n");
        CustomFacts.Result result = read(new CustomFacts.Limits(Duration.ofSeconds(10), Duration.ofSeconds(60), 1024, 4096, 64));
        assertEquals(List.of(factsD.resolve("chatty") + ": printed more than 1 KiB, the most read from one source: stopped, and"
                + " its output is not used (keep bulky data out of facts)"), result.errors());
        assertEquals(Map.of(), result.facts());
    }

    @Test
    void anExecutableThatFailsGivesNothingAndSaysWhyFromItsStandardError() throws Exception {
        script("rack", "echo 'rack: r12'\necho 'cannot read /etc/rack-id: No such file' >&2\necho 'second line' >&2\nexit 3\n");
        CustomFacts.Result result = read();
        assertEquals(List.of(factsD.resolve("rack") + ": exited with status 3: cannot read /etc/rack-id: No such file; its output"
                + " is not used (run it by hand to see why)"), result.errors());
        assertEquals(Map.of(), result.facts());
    }

    @Test
    void aFileLargerThanASourceMayBeIsNotRead() throws Exception {
        write("big.json", "{\"rack\": \"" + "x".repeat(2000) + "\"}");
        write("small.json", "{\"row\": 3}");
        CustomFacts.Result result = read(new CustomFacts.Limits(FAST, FAST, 1024, 4096, 64));
        assertEquals(List.of(factsD.resolve("big.json") + ": more than 1 KiB, the most read from one source: not read (keep"
                + " bulky data out of facts)"), result.errors());
        assertEquals(Map.of("row", 3), result.facts());
    }

    @Test
    void yamlAliasesCannotBlowASmallFileUpIntoHugeFacts() throws Exception {
        StringBuilder yaml = new StringBuilder("a: &a [\"" + "x".repeat(100) + "\", \"" + "y".repeat(100) + "\"]\n");
        for (char level = 'b'; level <= 'k'; level++) {
            char previous = (char) (level - 1);
            yaml.append(level).append(": &").append(level).append(" [*").append(previous).append(", *").append(previous)
                    .append("]\n");
        }
        write("bomb.yaml", yaml.toString());
        CustomFacts.Result result = read(new CustomFacts.Limits(FAST, FAST, 4096, 8192, 64));
        assertEquals(List.of(factsD.resolve("bomb.yaml") + ": gives more than 4 KiB of facts, the most one source may give: left"
                + " out (keep bulky data out of facts)"), result.errors());
        assertEquals(Map.of(), result.facts());
    }

    @Test
    void allCustomFactsTogetherAreBounded() throws Exception {
        write("a.yaml", "first: " + "x".repeat(600) + "\n");
        write("b.yaml", "second: " + "y".repeat(600) + "\n");
        CustomFacts.Result result = read(new CustomFacts.Limits(FAST, FAST, 1024, 1024, 64));
        assertEquals(List.of(factsD.resolve("b.yaml") + ": its facts would take all custom facts past 1 KiB, the most a node"
                + " sends: left out (keep bulky data out of facts)"), result.errors());
        assertEquals(List.of("first"), List.copyOf(result.facts().keySet()));
    }

    @Test
    void onlySoManyEntriesAreRead() throws Exception {
        write("a.yaml", "a: 1\n");
        write("b.yaml", "b: 2\n");
        write("c.yaml", "c: 3\n");
        CustomFacts.Result result = read(new CustomFacts.Limits(FAST, FAST, 1024, 4096, 2));
        assertEquals(List.of(factsD + ": has 3 entries, more than the 2 read: those after b.yaml are not (merge some)"),
                result.errors());
        assertEquals(Map.of("a", 1, "b", 2), result.facts());
    }

    @Test
    void badJsonYamlOrOutputIsReportedWithItsLine() throws Exception {
        write("a.json", "{\n  \"rack\": \"r12\",\n  \"row\": \n}\n");
        write("b.yaml", "rack: r12\nrow: [1, 2\nslot: 3\n");
        write("c.yaml", "rack: r12\nrack: r13\n");
        write("d.txt", "rack=r12\nthis is not a fact\n");
        write("e.json", "[\"rack\", \"r12\"]");
        script("f", "echo '{'; echo '  \"rack\" \"r12\"'; echo '}'\n");
        write("g.yaml", "row: 3\n");
        List<String> errors = read().errors();
        assertEquals(6, errors.size(), errors.toString());
        assertTrue(errors.get(0).startsWith(factsD.resolve("a.json") + ":4:1: not valid JSON: Unexpected character ('}'"),
                errors.get(0));
        assertTrue(errors.get(1).startsWith(factsD.resolve("b.yaml") + ":3:5: not valid YAML: "), errors.get(1));
        assertEquals(factsD.resolve("c.yaml") + ":2:1: not valid YAML: found duplicate key rack", errors.get(2));
        assertEquals(factsD.resolve("d.txt") + ":2: expected KEY=VALUE, such as rack=r12, not 'this is not a fact'", errors.get(3));
        assertEquals(factsD.resolve("e.json") + ": gives a list, not a map of fact names to values (such as rack: r12, or"
                + " {\"rack\": \"r12\"})", errors.get(4));
        assertTrue(errors.get(5).startsWith(factsD.resolve("f") + ": its output, line 2, column 10: not valid JSON: "),
                errors.get(5));
        assertEquals(Map.of("row", 3), read().facts(), "the good file still counts");
    }

    @Test
    void aFactGivenTwiceIsTheFirstFilesInNameOrder() throws Exception {
        write("10-rack.yaml", "rack: r12\n");
        write("20-rack.json", "{\"rack\": \"r99\", \"row\": 3}");
        CustomFacts.Result result = read();
        assertEquals(List.of(factsD.resolve("20-rack.json") + ": 'rack' is also given by " + factsD.resolve("10-rack.yaml")
                + ", which comes first in name order: this one is left out (give each fact in one place)"), result.errors());
        assertEquals(Map.of("rack", "r12", "row", 3), result.facts());
    }

    @Test
    void badNamesAndValuesLeaveOutThatFactAlone() throws Exception {
        write("facts.yaml", String.join("\n",
                "rack: r12",
                "Rack: r13",
                "rack-row: 3",
                "1st: x",
                "yes: 2",
                "deep: [[[[[[[[[1]]]]]]]]]",
                "shallow: [[[[[[[[1]]]]]]]]",
                "broken: .nan",
                "blob: !!binary aGVsbG8=",
                ""));
        CustomFacts.Result result = read();
        String file = factsD.resolve("facts.yaml") + ": ";
        String rule = "lower-case letters, digits and '_', starting with a letter, at most 64 characters";
        assertEquals(List.of(
                file + "'Rack' is not a fact name: left out (use " + rule + ", such as rack_row)",
                file + "'rack-row' is not a fact name: left out (use " + rule + ", such as rack_row)",
                file + "'1st' is not a fact name: left out (use " + rule + ", such as rack_row)",
                file + "'true' is read as a boolean, not as a fact name: left out (quote it, and use " + rule + ")",
                file + "'deep' is nested more than 8 lists or maps deep (flatten it): left out",
                file + "'broken' holds NaN, which JSON cannot carry: left out",
                file + "'blob' holds binary data (!!binary); facts are text, numbers, booleans, null, lists and maps: left out"),
                result.errors());
        assertEquals(List.of("rack", "shallow"), List.copyOf(result.facts().keySet()));
    }

    @Test
    void hiddenFilesBackupsAndPackageLeftoversArePassedOver() throws Exception {
        for (String name : List.of(".rack.yaml.swp", "rack.yaml~", "#rack.yaml#", "rack.yaml.dpkg-old", "rack.yaml.dpkg-dist",
                "rack.yaml.ucf-old")) {
            write(name, "{ not facts");
        }
        write("rack.yaml", "rack: r12\n");
        assertEquals(new CustomFacts.Result(Map.of("rack", "r12"), List.of()), read());
    }

    @Test
    void aFileThatIsNeitherDataNorExecutableAndADirectoryAreReported() throws Exception {
        write("README", "notes\n");
        Files.createDirectory(factsD.resolve("old"));
        assertEquals(List.of(
                factsD.resolve("README") + ": neither executable nor named .json, .yaml, .yml or .txt: not used (chmod 0755 it to"
                        + " run it, or rename it)",
                factsD.resolve("old") + ": a directory, not a file: not read (facts.d is read one level deep)"), read().errors());
    }

    @Test
    void aFileOthersCanChangeIsNeitherReadNorRun() throws Exception {
        Path marker = root.resolve("ran");
        write("a-group.yaml", "group_writable: true\n");
        Files.setPosixFilePermissions(factsD.resolve("a-group.yaml"), PosixFilePermissions.fromString("rw-rw-r--"));
        write("b-world.json", "{\"world_writable\": true}");
        Files.setPosixFilePermissions(factsD.resolve("b-world.json"), PosixFilePermissions.fromString("rw-r--rw-"));
        write("c-nobody.txt", "nobodys=true\n");
        giveToNobody(factsD.resolve("c-nobody.txt"));
        script("d-nobody", "touch " + marker + "\necho ran=true\n");
        giveToNobody(factsD.resolve("d-nobody"));
        write("e-fine.yaml", "rack: r12\n");
        CustomFacts.Result result = read();
        assertEquals(List.of(
                fix("a-group.yaml", "writable by group root: not read"),
                fix("b-world.json", "writable by everyone: not read"),
                fix("c-nobody.txt", "owned by nobody, not root: not read"),
                fix("d-nobody", "owned by nobody, not root: not run")), result.errors());
        assertEquals(Map.of("rack", "r12"), result.facts());
        assertFalse(Files.exists(marker), "nobody's executable never ran");
    }

    @Test
    void aFactsDirectoryOthersCanChangeIsNotReadAtAll() throws Exception {
        write("rack.yaml", "rack: r12\n");
        Files.setPosixFilePermissions(factsD, PosixFilePermissions.fromString("rwxrwxr-x"));
        assertEquals(new CustomFacts.Result(Map.of(), List.of(factsD + ": writable by group root, so nothing in it is read or run"
                + " (chown root:root " + factsD + "; chmod go-w " + factsD + ")")), read());
    }

    @Test
    void aFactsDirectoryInADirectoryOthersOwnIsNotReadAtAll() throws Exception {
        write("rack.yaml", "rack: r12\n");
        giveToNobody(root.resolve("etc/kraftwerk"));
        assertEquals(new CustomFacts.Result(Map.of(), List.of(factsD + ": lies in " + root.resolve("etc/kraftwerk") + ", which"
                + " nobody owns, so nothing in it is read or run (make every directory above it root's and writable by no one"
                + " else)")), read());
    }

    @Test
    void aLinkIsFollowedOnlyToAFileAndDirectoriesThatOnlyRootCanChange() throws Exception {
        Path shared = Files.createDirectories(root.resolve("opt/facts"));
        Files.writeString(shared.resolve("rack.yaml"), "rack: r12\n");
        Files.writeString(shared.resolve("theirs.yaml"), "theirs: true\n");
        giveToNobody(shared.resolve("theirs.yaml"));
        Path home = Files.createDirectories(root.resolve("home/alice"));
        Files.writeString(home.resolve("alice.yaml"), "alice: true\n");
        giveToNobody(home);
        Files.createSymbolicLink(factsD.resolve("a-rack.yaml"), shared.resolve("rack.yaml"));
        Files.createSymbolicLink(factsD.resolve("b-relative.yaml"), Path.of("../../../opt/facts/rack.yaml"));
        Files.createSymbolicLink(factsD.resolve("c-theirs.yaml"), shared.resolve("theirs.yaml"));
        Files.createSymbolicLink(factsD.resolve("d-alice.yaml"), home.resolve("alice.yaml"));
        Files.createSymbolicLink(factsD.resolve("e-gone.yaml"), shared.resolve("gone.yaml"));
        CustomFacts.Result result = read();
        Path theirs = shared.resolve("theirs.yaml");
        assertEquals(List.of(
                factsD.resolve("b-relative.yaml") + ": 'rack' is also given by " + factsD.resolve("a-rack.yaml") + ", which comes"
                        + " first in name order: this one is left out (give each fact in one place)",
                factsD.resolve("c-theirs.yaml") + ": a symbolic link to " + theirs + ", which is owned by nobody, not root: not"
                        + " read (chown root:root " + theirs + "; chmod go-w " + theirs + ")",
                factsD.resolve("d-alice.yaml") + ": a symbolic link to " + home.resolve("alice.yaml") + ", which lies in " + home
                        + ", which nobody owns: not read or run (keep the file in a directory only root can write)",
                factsD.resolve("e-gone.yaml") + ": a symbolic link to " + shared.resolve("gone.yaml") + ", which does not exist:"
                        + " not read"), result.errors());
        assertEquals(Map.of("rack", "r12"), result.facts());
    }

    private CustomFacts.Result read() {
        return read(new CustomFacts.Limits(Duration.ofSeconds(10), Duration.ofSeconds(60), 64 * 1024, 256 * 1024, 64));
    }

    private CustomFacts.Result read(CustomFacts.Limits limits) {
        return new CustomFacts(root, limits).read();
    }

    private String fix(String name, String what) {
        Path file = factsD.resolve(name);
        return file + ": " + what + " (chown root:root " + file + "; chmod go-w " + file + ")";
    }

    private void write(String name, String content) throws Exception {
        Files.writeString(factsD.resolve(name), content);
        Files.setPosixFilePermissions(factsD.resolve(name), PosixFilePermissions.fromString("rw-r--r--"));
    }

    private void script(String name, String body) throws Exception {
        write(name, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(factsD.resolve(name), PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static void giveToNobody(Path path) throws Exception {
        Files.setOwner(path, FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
    }

    /**
     * Whether the process still runs. SIGKILL is delivered asynchronously, so this polls for its end
     * (a condition, for at most 10 s); a zombie waiting for its parent counts as ended.
     */
    private static boolean stillRunning(long pid) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            Path stat = Path.of("/proc/" + pid + "/stat");
            String text;
            try {
                text = Files.readString(stat);
            } catch (NoSuchFileException e) {
                return false;
            }
            if (text.substring(text.lastIndexOf(')') + 2).startsWith("Z")) {
                return false;
            }
            Thread.sleep(10); // polling for the condition, not waiting for time to pass
        }
        return true;
    }
}
