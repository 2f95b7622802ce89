package io.kraftwerk.model.resource;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.kraftwerk.model.validation.CronSchedule;
import io.kraftwerk.model.validation.EnvName;
import io.kraftwerk.model.validation.PosixName;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SortedMap;
import java.util.stream.Stream;

/**
 * A job cron runs on a schedule: the file {@code /etc/cron.d/kraftwerk-NAME}, one job per file so
 * that a job's environment stays its own. The command is an argument vector; Kraftwerk quotes each
 * argument for the shell cron hands the line to, so no argument is ever read as shell syntax.
 *
 * @param name     the job's name, also its file's (cron reads only names of letters, digits, '_' and '-')
 * @param ensure   {@code present} (default) or {@code absent}
 * @param schedule five fields ({@code 30 2 * * 1-5}) or a nickname ({@code @daily})
 * @param user     the user the job runs as; default root
 * @param command  the program (absolute path) and its arguments
 * @param env      environment variables of the job (cron.d files are readable by every user: no secrets)
 */
@Sensitivity // nothing of it is secret
public record CronJobResource(
        @NotNull @Pattern(regexp = NAME, message = "must be a cron job name: lowercase letters, digits, '_' or '-',"
                + " starting with a letter or digit, at most 64 characters (cron ignores files with other names)") String name,
        @NotNull Ensure ensure,
        @CronSchedule String schedule,
        @NotNull @PosixName String user,
        @NotNull List<@NotNull String> command,
        @NotNull SortedMap<@EnvName String, @NotNull String> env) implements Resource {
    public static final String NAME = "[a-z0-9][a-z0-9_-]{0,63}";

    public CronJobResource {
        ensure = Values.or(ensure, Ensure.PRESENT);
        user = Values.or(user, "root");
        command = Values.list(command);
        env = Values.sortedMap(env);
    }

    @Override
    public String title() {
        return name;
    }

    @JsonIgnore
    @AssertTrue(message = "'schedule' and 'command' are required with ensure: present")
    public boolean isCompleteWhenPresent() {
        return ensure == Ensure.ABSENT || schedule != null && !command.isEmpty();
    }

    @JsonIgnore
    @AssertTrue(message = "'command' must start with the absolute path of the program, e.g. /usr/bin/find")
    public boolean isCommandAbsolute() {
        return command.isEmpty() || command.get(0) != null && command.get(0).startsWith("/");
    }

    /** cron ends a value at '#' and reads SHELL for the command line, which Kraftwerk quotes for /bin/sh. */
    @JsonIgnore
    @AssertTrue(message = "'env' may not set SHELL (the command is quoted for /bin/sh), and its values may not contain '#'"
            + " (cron ends a value there)")
    public boolean isEnvCronCanRead() {
        return !env.containsKey("SHELL") && env.values().stream().allMatch(v -> v == null || v.indexOf('#') < 0);
    }

    /** Debian's cron cuts a command at 1000 bytes without a word; quoting takes some of them. */
    @JsonIgnore
    @AssertTrue(message = "'command' is longer than cron takes (it cuts a command at 1000 bytes, quoting included):"
            + " put the work in a script and run that")
    public boolean isCommandShortEnough() {
        long bytes = command.stream().mapToLong(a -> a == null ? 0 : a.getBytes(StandardCharsets.UTF_8).length * 2L + 3).sum();
        return bytes <= 1000;
    }

    @JsonIgnore
    @AssertTrue(message = "arguments and env values must be on one line (a cron.d line ends at a newline) and free of NUL")
    public boolean isOneLine() {
        return Stream.concat(command.stream(), env.values().stream())
                .allMatch(s -> s == null || s.indexOf('\n') < 0 && s.indexOf('\r') < 0 && s.indexOf('\0') < 0);
    }
}
