package io.kraftwerk.model.resource;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.kraftwerk.model.validation.AbsolutePath;
import io.kraftwerk.model.validation.EnvName;
import io.kraftwerk.model.validation.PosixName;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.List;
import java.util.SortedMap;
import java.util.stream.Stream;

/**
 * A command run when its guard says it is due: the one escape hatch for what no type covers. Every
 * command is an argument vector, never a shell line. A command without a guard would run on every
 * agent run, so one is required: {@code creates}, {@code unless}, {@code onlyif} or
 * {@code refresh_only}.
 *
 * @param name         what the command is for, e.g. {@code migrate-hello}; its title
 * @param command      the program (absolute path) and its arguments
 * @param creates      a path the command makes: it runs only while the path does not exist
 * @param unless       a check: the command runs only when this exits non-zero
 * @param onlyif       a check: the command runs only when this exits 0
 * @param refreshOnly  run only when a resource that notifies it changed ({@code notify}/{@code subscribe})
 * @param timeout      seconds before the command (or a check) is killed; default 300
 * @param user         the user the command and its checks run as; null means root
 * @param cwd          the working directory; default {@code /}
 * @param env          environment variables added to a minimal one (PATH, LANG, HOME)
 * @param sensitiveEnv names in {@code env} whose values are secret (never reported or logged)
 */
@Sensitivity(markedBy = "sensitive_env", protects = "env")
public record ExecResource(
        @NotNull @Pattern(regexp = NAME, message = NAME_MESSAGE) String name,
        @NotEmpty List<@NotNull String> command,
        @AbsolutePath String creates,
        @NotNull List<@NotNull String> unless,
        @NotNull List<@NotNull String> onlyif,
        boolean refreshOnly,
        @NotNull @Min(1) @Max(86400) Integer timeout,
        @PosixName String user,
        @NotNull @AbsolutePath String cwd,
        @NotNull SortedMap<@EnvName String, @NotNull String> env,
        @NotNull List<@NotNull @EnvName String> sensitiveEnv) implements Resource {
    public static final String NAME = "[A-Za-z0-9][A-Za-z0-9_.@:-]{0,127}";
    static final String NAME_MESSAGE = "must be a name: letters, digits, '_', '.', '@', ':' or '-', starting with a letter or digit, at most 128 characters";
    public static final int DEFAULT_TIMEOUT = 300;

    public ExecResource {
        command = Values.list(command);
        unless = Values.list(unless);
        onlyif = Values.list(onlyif);
        timeout = Values.or(timeout, DEFAULT_TIMEOUT);
        cwd = Values.or(cwd, "/");
        env = Values.sortedMap(env);
        sensitiveEnv = Values.list(sensitiveEnv);
    }

    @Override
    public String title() {
        return name;
    }

    /** Always present: an exec has nothing to remove. */
    @Override
    @JsonIgnore
    public Ensure ensure() {
        return Ensure.PRESENT;
    }

    @JsonIgnore
    @AssertTrue(message = "needs a guard, or it runs on every agent run: 'creates' (a path it makes), 'unless' or 'onlyif'"
            + " (a check command), or 'refresh_only: true' (run when notified)")
    public boolean isGuarded() {
        return creates != null || !unless.isEmpty() || !onlyif.isEmpty() || refreshOnly;
    }

    @JsonIgnore
    @AssertTrue(message = "'command', 'unless' and 'onlyif' must each start with the absolute path of the program, e.g. /usr/bin/test")
    public boolean isEveryProgramAbsolute() {
        return Stream.of(command, unless, onlyif).allMatch(argv -> argv.isEmpty() || argv.get(0) != null && argv.get(0).startsWith("/"));
    }

    @JsonIgnore
    @AssertTrue(message = "an argument or env value may not contain a NUL character")
    public boolean isFreeOfNul() {
        return Stream.concat(Stream.of(command, unless, onlyif).flatMap(List::stream), env.values().stream())
                .allMatch(a -> a == null || a.indexOf('\0') < 0);
    }

    @JsonIgnore
    @AssertTrue(message = "every name in 'sensitive_env' must also be set in 'env'")
    public boolean isSensitiveEnvKnown() {
        return env.keySet().containsAll(sensitiveEnv);
    }
}
