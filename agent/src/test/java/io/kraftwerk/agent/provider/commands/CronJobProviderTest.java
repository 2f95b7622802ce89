package io.kraftwerk.agent.provider.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.kraftwerk.agent.provider.Change;
import io.kraftwerk.agent.provider.Diff;
import io.kraftwerk.agent.provider.RecordingContext;
import io.kraftwerk.model.resource.CronJobResource;
import io.kraftwerk.model.resource.Ensure;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CronJobProviderTest {
    @TempDir
    Path root;

    private final CronJobProvider provider = new CronJobProvider();

    @Test
    void quotesEveryArgumentForTheShellAndEscapesPercentForCron() {
        CronJobResource job = new CronJobResource("hello-report", null, "30  2 * * mon-fri", "hello",
                List.of("/usr/bin/date", "+%Y-%m-%d", "it's", "a b", "--out=/var/lib/hello", "$HOME", "`id`"),
                new TreeMap<>(Map.of("MAILTO", "", "GREETING", " padded ", "PLAIN", "x=1")));
        assertEquals("""
                # Kept by Kraftwerk (cron_job[hello-report]); changes here are replaced on its next run.
                SHELL=/bin/sh
                PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
                GREETING=" padded "
                MAILTO=""
                PLAIN=x=1
                30 2 * * mon-fri hello /usr/bin/date '+\\%Y-\\%m-\\%d' 'it'\\''s' 'a b' --out=/var/lib/hello '$HOME' '`id`'
                """, CronJobProvider.content(job));
    }

    @Test
    void writesTheJobRootOnlyWritableThenIsInSyncAndRemovesIt() throws Exception {
        RecordingContext context = new RecordingContext(root);
        Files.createDirectories(root.resolve("etc"));
        CronJobResource job = new CronJobResource("clearsessions", null, "@daily", null, List.of("/usr/bin/true"), null);
        List<Change> create = Diff.changes(provider.desired(job), provider.observe(job, context));
        assertEquals(List.of("ensure"), create.stream().map(Change::property).toList());
        provider.apply(job, create, context);
        Path file = root.resolve("etc/cron.d/kraftwerk-clearsessions");
        assertEquals("@daily root /usr/bin/true", Files.readAllLines(file).get(3));
        assertEquals("0644", context.fs().stat(file).mode());
        assertEquals(List.of(), Diff.changes(provider.desired(job), provider.observe(job, context)));

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
        List<Change> drift = Diff.changes(provider.desired(job), provider.observe(job, context));
        assertEquals(List.of("mode"), drift.stream().map(Change::property).toList(), "cron skips a file others can write");
        provider.apply(job, drift, context);
        assertEquals("0644", context.fs().stat(file).mode());

        CronJobResource gone = new CronJobResource("clearsessions", Ensure.ABSENT, null, null, null, null);
        provider.apply(gone, Diff.changes(provider.desired(gone), provider.observe(gone, context)), context);
        assertFalse(Files.exists(file));
        assertEquals(List.of(), context.commands);
    }

    /**
     * What /bin/sh gets back from the written line after cron has read it, for arguments that
     * trouble one or the other: cron's own reading is done as Debian's cron does it (do_command.c:
     * "\%" becomes '%', "\\" one backslash, a bare '%' ends the command), then a real sh splits it.
     */
    @Test
    void everyArgumentSurvivesCronAndTheShellExactly() throws Exception {
        List<String> args = List.of("/usr/bin/printf", "%s\\n", "a\\%b", "\\\\", "50%", "it's", "ends\\", "$HOME", "`id`", "a b", "",
                "tab\there", "\\'", "%%", "'\\%'");
        String line = CronJobProvider.content(new CronJobResource("odd", null, "@daily", null, args, null)).lines()
                .filter(l -> l.startsWith("@daily")).findFirst().orElseThrow();
        String command = debianCron(line.substring("@daily root ".length()));
        Process split = new ProcessBuilder("/bin/sh", "-c", "eval \"set -- $1\"; for a in \"$@\"; do printf '%s\\0' \"$a\"; done",
                "sh", command).start();
        String out = new String(split.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, split.waitFor(), new String(split.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        assertEquals(args, List.of(out.split("\0", -1)).subList(0, args.size()));
    }

    /** Debian cron's reading of a command (do_command.c), before it hands the rest to sh. */
    private static String debianCron(String command) {
        StringBuilder out = new StringBuilder();
        boolean escaped = false;
        for (char c : command.toCharArray()) {
            if (escaped) {
                if (c != '%' && c != '\\') {
                    out.append('\\');
                }
                out.append(c);
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == '%') {
                break; // the rest would be the job's standard input
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
