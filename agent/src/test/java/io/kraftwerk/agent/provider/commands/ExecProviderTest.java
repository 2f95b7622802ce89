package io.kraftwerk.agent.provider.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftwerk.agent.exec.Invocation;
import io.kraftwerk.agent.provider.Change;
import io.kraftwerk.agent.provider.Diff;
import io.kraftwerk.agent.provider.ProviderException;
import io.kraftwerk.agent.provider.RecordingContext;
import io.kraftwerk.model.resource.ExecResource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** exec against a scripted runner: which guard runs, with what argv, environment, directory and limit. */
class ExecProviderTest {
    private static final List<String> MIGRATE = List.of("/srv/app/venv/bin/python", "-m", "app.migrate");
    private static final List<String> CHECK = List.of("/srv/app/venv/bin/python", "-m", "app.migrate", "--check");

    @TempDir
    Path root;

    private final ExecProvider provider = new ExecProvider();

    private static ExecResource migrate(String creates, List<String> unless, List<String> onlyif, boolean refreshOnly) {
        return new ExecResource("app-migrate", MIGRATE, creates, unless, onlyif, refreshOnly, 600, "app", "/srv/app",
                new TreeMap<>(Map.of("DATABASE_URL", "postgres://app:s3cret@db/app", "MODE", "batch")), List.of("DATABASE_URL"));
    }

    private static List<String> described(List<Change> changes) {
        return changes.stream().map(c -> c.property() + " '" + c.previous() + "' -> '" + c.desired() + "'").toList();
    }

    @Test
    void runsTheGuardAsTheUserAndRunsTheCommandOnlyWhenTheGuardFails() throws Exception {
        RecordingContext context = new RecordingContext(root).answerOnce(List.of("/usr/sbin/runuser", "-u", "app", "--", CHECK.get(0)), 1, "", "");
        ExecResource exec = migrate(null, CHECK, null, false);
        List<Change> changes = Diff.changes(provider.desired(exec), provider.observe(exec, context));
        assertEquals(List.of("run 'due (unless /srv/app/venv/bin/python -m app.migrate --check exited 1)' -> 'done'"), described(changes));
        assertTrue(provider.apply(exec, changes, context), "a notification in the same run does not run it again");

        List<String> runuser = List.of("/usr/sbin/runuser", "-u", "app", "--");
        assertEquals(List.of(concat(runuser, CHECK), concat(runuser, MIGRATE)), context.commands);
        Invocation run = context.invocations.get(1);
        assertEquals(root.resolve("srv/app"), run.directory());
        assertEquals(Duration.ofSeconds(600), run.timeout());
        assertEquals(Map.of("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG", "C.UTF-8", "HOME", "/root",
                "DATABASE_URL", "postgres://app:s3cret@db/app", "MODE", "batch"), run.environment(), "the agent's own environment stays out");
    }

    @Test
    void isDoneWhenTheGuardSaysSoAndRunsNothingElse() throws Exception {
        RecordingContext context = new RecordingContext(root);
        ExecResource exec = migrate(null, CHECK, null, false);
        assertEquals(List.of(), Diff.changes(provider.desired(exec), provider.observe(exec, context)));
        ExecResource onlyif = migrate(null, null, CHECK, false);
        RecordingContext failing = new RecordingContext(root).answer(List.of("/usr/sbin/runuser"), 1, "", "");
        assertEquals(List.of(), Diff.changes(provider.desired(onlyif), provider.observe(onlyif, failing)));
        assertEquals(List.of(concat(List.of("/usr/sbin/runuser", "-u", "app", "--"), CHECK)), failing.commands);
    }

    @Test
    void createsIsCheckedWithoutAnyCommandAndMustBeMadeByIt() throws Exception {
        RecordingContext context = new RecordingContext(root);
        Files.createDirectories(root.resolve("srv/app"));
        ExecResource exec = migrate("/srv/app/.migrated", null, null, false);
        assertEquals(List.of("run 'due (/srv/app/.migrated does not exist)' -> 'done'"),
                described(Diff.changes(provider.desired(exec), provider.observe(exec, context))));
        assertEquals(List.of(), context.commands, "creates alone needs no command to decide");
        ProviderException e = assertThrows(ProviderException.class, () -> provider.apply(exec, List.of(), context));
        assertEquals("/srv/app/venv/bin/python succeeded but did not create /srv/app/.migrated, so it would run again on every"
                + " run: fix the command or its 'creates'", e.getMessage());
        Files.writeString(root.resolve("srv/app/.migrated"), "");
        assertEquals(List.of(), Diff.changes(provider.desired(exec), provider.observe(exec, context)));
    }

    @Test
    void aFailureSaysTheExitAndTheLastLinesWithSecretsCut() throws Exception {
        RecordingContext context = new RecordingContext(root).answer(List.of("/usr/sbin/runuser", "-u", "app", "--", MIGRATE.get(0)), 2, "",
                "connecting to postgres://app:s3cret@db/app\nFATAL: password authentication failed\n");
        ProviderException e = assertThrows(ProviderException.class, () -> provider.apply(migrate(null, CHECK, null, false), List.of(), context));
        assertEquals("/srv/app/venv/bin/python exited with 2:\nconnecting to [sensitive]\nFATAL: password authentication failed",
                e.getMessage());
    }

    @Test
    void refreshOnlyManagesNothingAndRunsWhenNotified() throws Exception {
        RecordingContext context = new RecordingContext(root);
        ExecResource reload = new ExecResource("reload", List.of("/usr/bin/systemctl", "reload", "cron"), null, null, null, true,
                null, null, null, null, null);
        assertEquals(List.of(), Diff.changes(provider.desired(reload), provider.observe(reload, context)));
        assertEquals(List.of(), context.commands, "not run to observe it");
        assertEquals("ran", provider.refresh(reload, context));
        assertEquals(List.of(List.of("/usr/bin/systemctl", "reload", "cron")), context.commands, "root runs it directly");
        assertEquals(root, context.invocations.get(0).directory());
        assertEquals(Duration.ofSeconds(300), context.invocations.get(0).timeout());
    }

    @Test
    void aNotifiedCommandStillHonoursItsGuard() throws Exception {
        RecordingContext context = new RecordingContext(root);
        assertEquals(null, provider.refresh(migrate(null, CHECK, null, false), context), "nothing done: not a change");
        assertEquals(1, context.commands.size(), "only the guard ran");
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
