package io.kraftwerk.agent.provider.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kraftwerk.agent.provider.Change;
import io.kraftwerk.agent.provider.Diff;
import io.kraftwerk.agent.provider.ProviderException;
import io.kraftwerk.agent.provider.RecordingContext;
import io.kraftwerk.model.resource.Ensure;
import io.kraftwerk.model.resource.SysctlResource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sysctl on a node root in a temporary directory, with its /proc/sys files made by the test. */
class SysctlProviderTest {
    @TempDir
    Path root;

    private final SysctlProvider provider = new SysctlProvider();

    private Path proc(String name, String value) throws Exception {
        Path file = root.resolve("proc/sys/" + name.replace('.', '/'));
        Files.createDirectories(file.getParent());
        Files.writeString(file, value);
        return file;
    }

    @Test
    void setsTheValueNowAndKeepsItForTheNextBootThenIsInSync() throws Exception {
        RecordingContext context = new RecordingContext(root);
        Path live = proc("net.ipv4.ip_local_port_range", "32768\t60999\n");
        Files.createDirectories(root.resolve("etc")); // a node has /etc; /etc/sysctl.d is made when missing
        SysctlResource range = new SysctlResource("net.ipv4.ip_local_port_range", null, "1024   65000");
        List<Change> changes = Diff.changes(provider.desired(range), provider.observe(range, context));
        assertEquals(List.of("value '32768 60999' -> '1024 65000'", "persisted '(not kept)' -> '1024 65000'"),
                changes.stream().map(c -> c.property() + " '" + c.previous() + "' -> '" + c.desired() + "'").toList());
        provider.apply(range, changes, context);
        assertEquals("1024 65000\n", Files.readString(live));
        Path conf = root.resolve("etc/sysctl.d/60-kraftwerk-net.ipv4.ip_local_port_range.conf");
        assertEquals("# Kept by Kraftwerk (sysctl[net.ipv4.ip_local_port_range]); changes here are replaced on its next run.\n"
                + "net.ipv4.ip_local_port_range = 1024 65000\n", Files.readString(conf));
        assertEquals("0644", context.fs().stat(conf).mode());
        assertEquals(List.of(), Diff.changes(provider.desired(range), provider.observe(range, context)));
        assertEquals(List.of(), context.commands, "no command: /proc/sys and a file");

        // drift: someone set it by hand, someone edited the file
        Files.writeString(live, "2000\t3000\n");
        Files.writeString(conf, "net/ipv4/ip_local_port_range=5000 6000\n");
        assertEquals(List.of("value '2000 3000' -> '1024 65000'", "persisted '5000 6000' -> '1024 65000'"),
                Diff.changes(provider.desired(range), provider.observe(range, context)).stream()
                        .map(c -> c.property() + " '" + c.previous() + "' -> '" + c.desired() + "'").toList());
    }

    @Test
    void onlyWhatChangedIsWritten() throws Exception {
        RecordingContext context = new RecordingContext(root);
        Path live = proc("vm.swappiness", "60\n");
        SysctlResource swappiness = new SysctlResource("vm.swappiness", Ensure.PRESENT, "10");
        Path conf = root.resolve("etc/sysctl.d/60-kraftwerk-vm.swappiness.conf");
        Files.createDirectories(conf.getParent());
        Files.writeString(conf, SysctlProvider.content("vm.swappiness", "10"));
        List<Change> changes = Diff.changes(provider.desired(swappiness), provider.observe(swappiness, context));
        assertEquals(List.of("value"), changes.stream().map(Change::property).toList(), "kept for the next boot, not set now");
        provider.apply(swappiness, changes, context);
        assertEquals("10\n", Files.readString(live));
    }

    @Test
    void absentRemovesTheFileAndLeavesTheValueNow() throws Exception {
        RecordingContext context = new RecordingContext(root);
        Path live = proc("vm.swappiness", "10\n");
        Path conf = root.resolve("etc/sysctl.d/60-kraftwerk-vm.swappiness.conf");
        Files.createDirectories(conf.getParent());
        Files.writeString(conf, SysctlProvider.content("vm.swappiness", "10"));
        SysctlResource gone = new SysctlResource("vm.swappiness", Ensure.ABSENT, null);
        List<Change> changes = Diff.changes(provider.desired(gone), provider.observe(gone, context));
        assertEquals(List.of("ensure"), changes.stream().map(Change::property).toList());
        provider.apply(gone, changes, context);
        assertFalse(Files.exists(conf));
        assertEquals("10\n", Files.readString(live));
        assertEquals(List.of(), Diff.changes(provider.desired(gone), provider.observe(gone, context)));
    }

    @Test
    void anUnknownParameterOrAValueTheKernelAdjustsFailsSayingSo() throws Exception {
        RecordingContext context = new RecordingContext(root);
        SysctlResource typo = new SysctlResource("net.ipv4.ip_forwrd", null, "1");
        ProviderException unknown = assertThrows(ProviderException.class, () -> provider.observe(typo, context));
        assertEquals("the kernel has no parameter net.ipv4.ip_forwrd (no " + root.resolve("proc/sys/net/ipv4/ip_forwrd")
                + "): check its name, or load the module that provides it first", unknown.getMessage());
    }

    @Test
    void theFileIsReadAsSysctlReadsIt() {
        assertEquals("1", SysctlProvider.persisted("net.ipv4.ip_forward", "# comment\n; other\nnet.ipv4.ip_forward = 1\n"));
        assertEquals("1", SysctlProvider.persisted("net.ipv4.ip_forward", "net/ipv4/ip_forward=1"));
        assertEquals("(the file does not set it)", SysctlProvider.persisted("net.ipv4.ip_forward", "vm.swappiness = 1\n"));
    }
}
