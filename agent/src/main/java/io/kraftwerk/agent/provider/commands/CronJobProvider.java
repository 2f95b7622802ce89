package io.kraftwerk.agent.provider.commands;

import io.kraftwerk.agent.provider.Change;
import io.kraftwerk.agent.provider.ConfigFile;
import io.kraftwerk.agent.provider.Desired;
import io.kraftwerk.agent.provider.Observed;
import io.kraftwerk.agent.provider.Provider;
import io.kraftwerk.agent.provider.ProviderContext;
import io.kraftwerk.agent.provider.ProviderException;
import io.kraftwerk.model.resource.CronJobResource;
import io.kraftwerk.model.resource.Ensure;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * {@code cron_job}: one file in /etc/cron.d per job, whole, root 0644 (cron skips a cron.d file that
 * others can write). Cron hands the command to /bin/sh, so each argument is quoted for the shell
 * and each '%' escaped for cron, which would otherwise cut the line there.
 */
public final class CronJobProvider implements Provider<CronJobResource> {
    private static final Pattern BARE = Pattern.compile("[A-Za-z0-9_./:=@+,-]+");

    @Override
    public Class<CronJobResource> resourceClass() {
        return CronJobResource.class;
    }

    @Override
    public Desired desired(CronJobResource job) {
        return ConfigFile.desired(job.ensure() == Ensure.PRESENT, job.ensure() == Ensure.PRESENT ? content(job) : null);
    }

    @Override
    public Observed observe(CronJobResource job, ProviderContext context) throws IOException, ProviderException {
        return ConfigFile.observe(file(job.name()), context);
    }

    @Override
    public boolean apply(CronJobResource job, List<Change> changes, ProviderContext context) throws IOException, ProviderException {
        if (job.ensure() == Ensure.ABSENT) {
            ConfigFile.delete(file(job.name()), context);
        } else {
            ConfigFile.write(file(job.name()), content(job), context);
        }
        return false;
    }

    /** {@code /etc/cron.d/kraftwerk-NAME}: the prefix keeps jobs apart from the files packages install there. */
    static String file(String name) {
        return "/etc/cron.d/kraftwerk-" + name;
    }

    static String content(CronJobResource job) {
        StringBuilder out = new StringBuilder("# Kept by Kraftwerk (cron_job[" + job.name() + "]); changes here are replaced on its next run.\n");
        out.append("SHELL=/bin/sh\nPATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n");
        for (Map.Entry<String, String> e : job.env().entrySet()) {
            out.append(e.getKey()).append('=').append(envValue(e.getValue())).append('\n');
        }
        out.append(job.schedule().strip().replaceAll("[ \t]+", " ")).append(' ').append(job.user()).append(' ')
                .append(job.command().stream().map(CronJobProvider::argument).collect(Collectors.joining(" "))).append('\n');
        return out.toString();
    }

    /**
     * One argument as sh reads it back unchanged. Cron reads the line first: it turns {@code \\%}
     * into '%' (a bare '%' ends the command) and, in Debian's cron, {@code \\\\} into one backslash.
     * So '%' is written {@code \\%}, and every backslash of the argument is followed by a closing
     * quote ({@code \\''}, sh's literal backslash then a new quote), never by '%' or another backslash.
     */
    static String argument(String arg) {
        if (BARE.matcher(arg).matches()) {
            return arg;
        }
        StringBuilder out = new StringBuilder("'");
        for (char c : arg.toCharArray()) {
            switch (c) {
                case '\'' -> out.append("'\\''");
                case '\\' -> out.append("\\''");
                case '%' -> out.append("\\%");
                default -> out.append(c);
            }
        }
        return out.append('\'').toString();
    }

    /** cron strips one pair of matching quotes around a value: quote whenever that or blanks at an end would change it. */
    static String envValue(String value) {
        boolean plain = !value.isEmpty() && value.strip().equals(value) && !value.startsWith("\"") && !value.startsWith("'");
        if (plain) {
            return value;
        }
        return value.contains("\"") ? "'" + value + "'" : "\"" + value + "\"";
    }
}
