package io.kraftwerk.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kraftwerk.master.compile.Facts;
import io.kraftwerk.model.json.ModelJson;
import io.kraftwerk.testkit.DisposableNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Custom facts in a disposable node, through the built kw-agent: a YAML file and an executable in
 * /etc/kraftwerk/facts.d give facts under custom, which the master reads as ${facts.custom.rack}.
 * What a local user, alice, owns there (an executable given to her, a link to a file in her home)
 * is neither run nor read, and every problem is one line on standard error naming the file, while
 * the facts still come out and the exit status stays 0.
 */
class CustomFactsIT {
    private static final String FACTS_D = "/etc/kraftwerk/facts.d";

    @Test
    void factsDGivesCustomFactsAndNothingAUserCouldChange() throws Exception {
        try (DisposableNode node = DisposableNode.start(Repo.SCRATCH, "facts1.example.net", Repo.ROOT)) {
            node.exec(List.of("useradd", "--create-home", "--shell", "/bin/sh", "alice")).orThrow();
            node.exec(List.of("install", "-d", "-m", "0755", "/etc/kraftwerk", FACTS_D)).orThrow();
            write(node, "rack.yaml", "rack: r12\nrow: 3\n", "rw-r--r--");
            write(node, "location", "#!/bin/sh\necho '{\"datacenter\": \"fra1\", \"uplinks\": [\"sw1\", \"sw2\"]}'\n", "rwxr-xr-x");
            write(node, "broken.yaml", "owner: [web\n", "rw-r--r--");
            write(node, "alice-facts", "#!/bin/sh\ntouch /root/alice-was-root\necho owner=alice\n", "rwxr-xr-x");
            node.exec(List.of("chown", "alice", FACTS_D + "/alice-facts")).orThrow();
            node.exec(List.of("runuser", "-u", "alice", "--", "sh", "-c", "echo 'team: alice' > /home/alice/team.yaml")).orThrow();
            node.exec(List.of("ln", "-s", "/home/alice/team.yaml", FACTS_D + "/team.yaml")).orThrow();

            DisposableNode.Result facts = node.exec(List.of(Repo.agent(), "facts"));

            assertEquals(0, facts.exitCode(), facts.stderr());
            JsonNode printed = ModelJson.mapper().readTree(facts.stdout());
            assertEquals(ModelJson.mapper().readTree("{\"datacenter\": \"fra1\", \"rack\": \"r12\", \"row\": 3,"
                    + " \"uplinks\": [\"sw1\", \"sw2\"]}"), printed.get("custom"));
            assertEquals("facts1", printed.get("hostname").asText(), "built-in facts are there as ever");
            assertEquals(Optional.of("r12"), Facts.parse("kw-agent facts", facts.stdout().getBytes(StandardCharsets.UTF_8))
                    .text("custom.rack"), "what ${facts.custom.rack} reads on the master");
            List<String> errors = facts.stderr().lines().toList();
            assertEquals(3, errors.size(), facts.stderr());
            String aliceFacts = FACTS_D + "/alice-facts";
            assertEquals("kw-agent facts: " + aliceFacts + ": owned by alice, not root: not run (chown root:root " + aliceFacts
                    + "; chmod go-w " + aliceFacts + ")", errors.get(0));
            assertTrue(errors.get(1).startsWith("kw-agent facts: " + FACTS_D + "/broken.yaml:2:1: not valid YAML: "), errors.get(1));
            assertEquals("kw-agent facts: " + FACTS_D + "/team.yaml: a symbolic link to /home/alice/team.yaml, which lies in"
                    + " /home/alice, which alice owns: not read or run (keep the file in a directory only root can write)",
                    errors.get(2));
            assertFalse(Files.exists(node.path("/root/alice-was-root")), "alice's executable never ran as root");
        }
    }

    private static void write(DisposableNode node, String name, String content, String mode) throws Exception {
        Path file = node.path(FACTS_D + "/" + name);
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
    }
}
