package io.kraftwerk.model.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kraftwerk.model.Samples;
import io.kraftwerk.model.resource.AptSourceResource;
import io.kraftwerk.model.resource.CronJobResource;
import io.kraftwerk.model.resource.Ensure;
import io.kraftwerk.model.resource.ExecResource;
import io.kraftwerk.model.resource.SshAuthorizedKeyResource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The checks of ssh_authorized_key, cron_job, apt_source and exec that go beyond a pattern. */
class EverydayTypesConstraintsTest {
    private final ModelValidator validator = ModelValidator.get();

    @ParameterizedTest
    @ValueSource(strings = {"* * * * *", "*/15 2-5 * jan-jun mon-fri", "0 0 1,15 * 7", "30 4 * * SUN", "0 */2 1-31/3 * *",
            "@daily", "@reboot", "5\t4 * * *"})
    void acceptsWhatCronAccepts(String schedule) {
        assertEquals(Optional.empty(), CronScheduleValidator.problem(schedule));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "* * * *|it has 4 fields, cron takes 5 (minute hour day-of-month month day-of-week)",
            "60 * * * *|minute '60': not a value from 0 to 59",
            "* 24 * * *|hour '24': not a value from 0 to 23",
            "* * 0 * *|day of month '0': not a value from 1 to 31",
            "* * * 13 *|month '13': not a value from 1 to 12 or a name",
            "* * * * fry|day of week 'fry': not a value from 0 to 7 or a name",
            "5-1 * * * *|minute '5-1': the range runs backwards",
            "*/0 * * * *|minute '*/0': the step after '/' must be a number from 1 to 59",
            "5/10 * * * *|minute '5/10': a step needs '*' or a range before it",
            "1,,2 * * * *|minute '': not a value from 0 to 59",
            "@fortnightly|unknown '@fortnightly'; one of @reboot @yearly @annually @monthly @weekly @daily @midnight @hourly"})
    void namesTheFieldCronWouldRefuse(String schedule, String problem) {
        assertEquals(Optional.of(problem), CronScheduleValidator.problem(schedule));
        CronJobResource job = new CronJobResource("backup", null, schedule, null, List.of("/bin/true"), null);
        assertEquals(List.of(new Violation("schedule", "must be a cron schedule such as '*/15 * * * *' or '@daily': " + problem,
                false)), validator.validate(job));
    }

    @Test
    void aCronArgumentCannotStartASecondLine() {
        CronJobResource job = new CronJobResource("backup", null, "@daily", null, List.of("/bin/echo", "a\n* * * * * root /bin/sh"), null);
        assertEquals(List.of("one_line"), validator.validate(job).stream().map(Violation::path).toList());
    }

    @Test
    void cronEnvAndLengthStayWithinWhatCronReads() {
        CronJobResource hash = new CronJobResource("backup", null, "@daily", null, List.of("/bin/true"),
                new TreeMap<>(Map.of("COLOR", "#ff0000")));
        assertEquals(List.of("env_cron_can_read"), validator.validate(hash).stream().map(Violation::path).toList());
        CronJobResource shell = new CronJobResource("backup", null, "@daily", null, List.of("/bin/true"),
                new TreeMap<>(Map.of("SHELL", "/bin/bash")));
        assertEquals(List.of("env_cron_can_read"), validator.validate(shell).stream().map(Violation::path).toList());
        CronJobResource longer = new CronJobResource("backup", null, "@daily", null, List.of("/bin/echo", "x".repeat(600)), null);
        assertEquals(List.of("command_short_enough"), validator.validate(longer).stream().map(Violation::path).toList());
    }

    @Test
    void aKeyMustBeOfItsDeclaredType() {
        SshAuthorizedKeyResource rsa = new SshAuthorizedKeyResource("alice", null, "alice", "ssh-rsa", Samples.ED25519_KEY,
                null, null, false);
        assertEquals(List.of("key_of_its_type"), validator.validate(rsa).stream().map(Violation::path).toList());
        SshAuthorizedKeyResource cut = new SshAuthorizedKeyResource("alice", null, "alice", "ssh-ed25519",
                Samples.ED25519_KEY.substring(0, 24), null, null, false);
        assertEquals(List.of("key_of_its_type"), validator.validate(cut).stream().map(Violation::path).toList());
        assertEquals("alice", rsa.comment(), "the comment defaults to the name");
    }

    @ParameterizedTest
    @ValueSource(strings = {"command=\"/bin/sh\"\nssh-rsa", "from=\"a\" b", "no port forwarding", "x=\"unterminated"})
    void anOptionCannotAddALineOrAnotherOption(String option) {
        SshAuthorizedKeyResource key = new SshAuthorizedKeyResource("alice", null, "alice", "ssh-ed25519", Samples.ED25519_KEY,
                null, List.of(option), false);
        assertEquals(List.of("options[0]"), validator.validate(key).stream().map(Violation::path).toList());
    }

    @Test
    void anExecWithoutAGuardIsRefused() {
        ExecResource bare = new ExecResource("migrate", List.of("/usr/bin/true"), null, null, null, false, null, null, null, null, null);
        assertEquals(List.of(new Violation("guarded", "needs a guard, or it runs on every agent run: 'creates' (a path it makes),"
                + " 'unless' or 'onlyif' (a check command), or 'refresh_only: true' (run when notified)", true)), validator.validate(bare));
        ExecResource relative = new ExecResource("migrate", List.of("true"), null, List.of("test", "-e", "/x"), null, false, null,
                null, null, null, null);
        assertEquals(List.of("every_program_absolute"), validator.validate(relative).stream().map(Violation::path).toList());
        assertEquals(300, relative.timeout());
        assertEquals("/", relative.cwd());
    }

    @Test
    void anAptSourceNeedsComponentsUnlessFlatAndAnArmoredKey() {
        AptSourceResource noComponents = new AptSourceResource("pgdg", null, null, List.of("https://apt.example.net/"),
                List.of("bookworm"), List.of(), List.of(), key());
        assertEquals(List.of("components_matching_suites"), validator.validate(noComponents).stream().map(Violation::path).toList());
        AptSourceResource flat = new AptSourceResource("local", Ensure.PRESENT, null, List.of("file:/srv/repo"), List.of("./"),
                List.of(), List.of(), key());
        assertEquals(List.of(), validator.validate(flat));
        assertEquals(List.of("deb"), flat.types());
        AptSourceResource binaryKey = new AptSourceResource("local", null, null, List.of("file:/srv/repo"), List.of("./"),
                List.of(), List.of(), "mQINBE6XR8IBEACVdDKT2HEH1IyHzXkb4nIWAY7echjRxo7MTcj4vbXAyBKOfjja");
        assertEquals(List.of("key_armored"), validator.validate(binaryKey).stream().map(Violation::path).toList());
    }

    private static String key() {
        return "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQINBE6XR8IBEACVdDKT2HEH1IyHzXkb4nIWAY7echjRxo7MTcj4vbXAyBKOfjja\n"
                + "-----END PGP PUBLIC KEY BLOCK-----\n";
    }

}
