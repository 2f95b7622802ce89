package io.kraftwerk.agent.provider.accounts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kraftwerk.agent.provider.Change;
import io.kraftwerk.agent.provider.Diff;
import io.kraftwerk.agent.provider.ProviderException;
import io.kraftwerk.agent.provider.RecordingContext;
import io.kraftwerk.model.resource.Ensure;
import io.kraftwerk.model.resource.SshAuthorizedKeyResource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys of the user nobody (a user every test host has), whose home is in a temporary node root. */
class SshAuthorizedKeyProviderTest {
    private static final String ALICE = "AAAAC3NzaC1lZDI1NTE5AAAAIFWIr8hnoDiSi1YiVf7BnBDHxd/Ns917k2Nv4PeF5NA/";
    private static final String BOB = "AAAAC3NzaC1lZDI1NTE5AAAAIDwyYhngrr2dyZm7XQkErOky2W318a8T02OHF2C6l1s3";

    @TempDir
    Path root;

    private RecordingContext context;
    private SshAuthorizedKeyProvider provider;
    private Path file;

    @BeforeEach
    void node() throws Exception {
        context = new RecordingContext(root)
                .answer(List.of("getent", "passwd"), 0, "nobody:x:65534:65534:nobody:/home/nobody:/usr/sbin/nologin\n", "")
                .answer(List.of("getent", "group"), 0, "nogroup:x:65534:\n", "");
        provider = new SshAuthorizedKeyProvider(new GroupProvider());
        Files.createDirectories(root.resolve("home/nobody"));
        file = root.resolve("home/nobody/.ssh/authorized_keys");
    }

    private static SshAuthorizedKeyResource alice(List<String> options, boolean exclusive) {
        return new SshAuthorizedKeyResource("alice@laptop", null, "nobody", "ssh-ed25519", ALICE, null, options, exclusive);
    }

    private List<Change> converge(SshAuthorizedKeyResource key) throws Exception {
        List<Change> changes = Diff.changes(provider.desired(key), provider.observe(key, context));
        if (!changes.isEmpty()) {
            provider.apply(key, changes, context);
        }
        return changes;
    }

    @Test
    void addsItsLineMakingTheDirectoryAndKeepsOtherLines() throws Exception {
        assertEquals(List.of("ensure"), converge(alice(List.of(), false)).stream().map(Change::property).toList());
        assertEquals("ssh-ed25519 " + ALICE + " alice@laptop\n", Files.readString(file));
        assertEquals("0700", context.fs().stat(file.getParent()).mode());
        assertEquals("nobody", context.fs().stat(file).owner());
        assertEquals("nogroup", context.fs().stat(file).group());
        assertEquals("0600", context.fs().stat(file).mode());

        Files.writeString(file, "# bob's key, added by hand\nssh-ed25519 " + BOB + " bob\n", StandardOpenOption.APPEND);
        List<Change> options = converge(alice(List.of("from=\"10.0.0.0/8,192.168.1.0/24\"", "no-pty"), false));
        assertEquals(List.of("line 'ssh-ed25519 " + ALICE + " alice@laptop' -> 'from=\"10.0.0.0/8,192.168.1.0/24\",no-pty ssh-ed25519 "
                + ALICE + " alice@laptop'"), options.stream().map(c -> c.property() + " '" + c.previous() + "' -> '" + c.desired() + "'").toList());
        assertEquals("from=\"10.0.0.0/8,192.168.1.0/24\",no-pty ssh-ed25519 " + ALICE + " alice@laptop\n"
                + "# bob's key, added by hand\nssh-ed25519 " + BOB + " bob\n", Files.readString(file), "in place, others kept");
        assertEquals(List.of(), converge(alice(List.of("from=\"10.0.0.0/8,192.168.1.0/24\"", "no-pty"), false)));
    }

    @Test
    void anExclusiveKeyLeavesOnlyTheDeclaredKeysOfItsUser() throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "ssh-ed25519 " + BOB + " bob\nssh-rsa AAAAB3NzaC1yc2E= stranger\n# note\n");
        SshAuthorizedKeyResource bob = new SshAuthorizedKeyResource("bob", null, "nobody", "ssh-ed25519", BOB, null, null, false);
        provider.prefetch(List.of(alice(List.of(), true), bob), context);
        List<Change> changes = converge(alice(List.of(), true));
        assertEquals(List.of("ensure"), changes.stream().map(Change::property).toList());
        assertEquals("ssh-ed25519 " + BOB + " bob\nssh-ed25519 " + ALICE + " alice@laptop\n", Files.readString(file));
        assertEquals(List.of(), converge(alice(List.of(), true)));

        Files.writeString(file, "ssh-rsa AAAAB3NzaC1yc2E= planted\n", StandardOpenOption.APPEND);
        assertEquals(List.of("undeclared lines"), converge(alice(List.of(), true)).stream().map(Change::property).toList());
        assertEquals("ssh-ed25519 " + BOB + " bob\nssh-ed25519 " + ALICE + " alice@laptop\n", Files.readString(file));
    }

    @Test
    void anExclusiveKeyAlsoClosesTheSecondFileSshdReadsAndPutsTheModeRight() throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "ssh-ed25519 " + ALICE + " alice@laptop\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
        Files.writeString(file.resolveSibling("authorized_keys2"), "ssh-ed25519 " + BOB + " planted\n");
        provider.prefetch(List.of(alice(List.of(), true)), context);
        List<Change> changes = converge(alice(List.of(), true));
        assertEquals(List.of("file mode '0666' -> '0600'", "authorized_keys2 'present' -> 'absent'"),
                changes.stream().map(c -> c.property() + " '" + c.previous() + "' -> '" + c.desired() + "'").toList());
        assertFalse(Files.exists(file.resolveSibling("authorized_keys2")));
        assertEquals("0600", context.fs().stat(file).mode());
        assertEquals(List.of(), converge(alice(List.of(), true)));
    }

    @Test
    void aHomeOfSlashIsRefused() throws Exception {
        RecordingContext rooted = new RecordingContext(root)
                .answer(List.of("getent", "passwd"), 0, "svc:x:999:999:svc:/:/usr/sbin/nologin\n", "")
                .answer(List.of("getent", "group"), 0, "svc:x:999:\n", "");
        SshAuthorizedKeyProvider p = new SshAuthorizedKeyProvider(new GroupProvider());
        SshAuthorizedKeyResource key = new SshAuthorizedKeyResource("k", null, "svc", "ssh-ed25519", ALICE, null, null, false);
        ProviderException e = assertThrows(ProviderException.class, () -> p.observe(key, rooted));
        assertEquals("user svc has / as home directory: Kraftwerk does not make /.ssh for them (give the user a home of their own)",
                e.getMessage());
    }

    @Test
    void absentRemovesOnlyItsLine() throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "no-pty ssh-ed25519 " + ALICE + " old comment\nssh-ed25519 " + BOB + " bob\n");
        SshAuthorizedKeyResource gone = new SshAuthorizedKeyResource("alice@laptop", Ensure.ABSENT, "nobody", "ssh-ed25519", ALICE,
                null, null, false);
        assertEquals(List.of("ensure"), converge(gone).stream().map(Change::property).toList());
        assertEquals("ssh-ed25519 " + BOB + " bob\n", Files.readString(file));
        assertEquals(List.of(), converge(gone));
    }

    @Test
    void aLinkTheUserPlantsIsRefusedNotFollowed() throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(root.resolve("shadow"), "root:secret\n");
        Files.createSymbolicLink(file, root.resolve("shadow"));
        assertThrows(ProviderException.class, () -> converge(alice(List.of(), false)));
        assertEquals("root:secret\n", Files.readString(root.resolve("shadow")));
    }

    @Test
    void aMissingUserIsNamed() throws Exception {
        SshAuthorizedKeyResource key = new SshAuthorizedKeyResource("k", null, "deploy", "ssh-ed25519", ALICE, null, null, false);
        ProviderException e = assertThrows(ProviderException.class, () -> converge(key));
        assertEquals("user deploy does not exist: declare it (user[deploy]) or create it before its keys", e.getMessage());
    }
}
