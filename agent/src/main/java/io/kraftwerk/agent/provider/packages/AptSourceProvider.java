package io.kraftwerk.agent.provider.packages;

import io.kraftwerk.agent.exec.CommandResult;
import io.kraftwerk.agent.provider.Change;
import io.kraftwerk.agent.provider.ConfigFile;
import io.kraftwerk.agent.provider.Desired;
import io.kraftwerk.agent.provider.Observed;
import io.kraftwerk.agent.provider.Provider;
import io.kraftwerk.agent.provider.ProviderContext;
import io.kraftwerk.agent.provider.ProviderException;
import io.kraftwerk.model.report.LogLine;
import io.kraftwerk.model.resource.AptSourceResource;
import io.kraftwerk.model.resource.Ensure;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@code apt_source}: a deb822 file in /etc/apt/sources.list.d with the key inline. A written source
 * is fetched at once, alone ({@code apt-get update} of that one file, other lists untouched), so
 * that packages later in the run (the compiler orders every package after every source) find it,
 * and a source apt cannot fetch or verify fails here, with apt's words, and is put back as it was:
 * a broken source left in place would fail every later {@code apt-get update} on the node.
 */
public final class AptSourceProvider implements Provider<AptSourceResource> {
    private final Duration lockTimeout;

    /** @param lockTimeout how long apt-get waits for another apt to let go of its locks */
    public AptSourceProvider(Duration lockTimeout) {
        this.lockTimeout = lockTimeout;
    }

    @Override
    public Class<AptSourceResource> resourceClass() {
        return AptSourceResource.class;
    }

    @Override
    public Desired desired(AptSourceResource source) {
        boolean present = source.ensure() == Ensure.PRESENT;
        return ConfigFile.desired(present, present ? content(source) : null);
    }

    @Override
    public Observed observe(AptSourceResource source, ProviderContext context) throws IOException, ProviderException {
        return ConfigFile.observe(file(source.name()), context);
    }

    @Override
    public boolean apply(AptSourceResource source, List<Change> changes, ProviderContext context) throws IOException, ProviderException {
        String file = file(source.name());
        if (source.ensure() == Ensure.ABSENT) {
            ConfigFile.delete(file, context); // its lists go at the next full apt-get update
            return false;
        }
        ConfigFile.write(file, content(source), context);
        // what was there before, from the changes rather than a second read: absent (a new source) or its old content
        Optional<Change> contentChange = changes.stream().filter(c -> c.property().equals(ConfigFile.CONTENT)).findFirst();
        if (contentChange.isEmpty() && changes.stream().noneMatch(Change::isEnsure)) {
            return false; // only the mode was put right: nothing new to fetch
        }
        CommandResult update = context.runner().run(update(file, lockTimeout), PackageProvider.APT_ENV, null);
        AptOutput.LockWait wait = AptOutput.lockWait(update);
        if (wait != null && !wait.gaveUp()) {
            context.log(LogLine.Level.INFO, "apt_source", wait.waited());
        }
        if (!update.succeeded()) {
            // put back, so that the next run writes and fetches it again rather than find it in sync unfetched
            if (contentChange.isEmpty()) {
                ConfigFile.delete(file, context);
            } else {
                ConfigFile.write(file, contentChange.get().previous(), context);
            }
            String undone = contentChange.isEmpty() ? "removed again" : "put back as it was";
            if (wait != null && wait.gaveUp()) {
                throw new ProviderException(wait.failure(lockTimeout) + "; the source was " + undone);
            }
            throw new ProviderException("apt could not fetch the source, so it was " + undone + " (check its URIs, suites and key): "
                    + update.describeFailure());
        }
        return false;
    }

    /** {@code /etc/apt/sources.list.d/kraftwerk-NAME.sources}. */
    static String file(String name) {
        return "/etc/apt/sources.list.d/kraftwerk-" + name + ".sources";
    }

    /**
     * Fetches the lists of one source file only, keeping every other list as it is. A download that
     * fails is an error, not apt's default warning (under which an unreachable source exits 0).
     */
    static List<String> update(String file, Duration lockTimeout) {
        return List.of("apt-get", "update", "-q", "-o", "Dir::Etc::SourceList=" + file, "-o", "Dir::Etc::SourceParts=-",
                "-o", "APT::Get::List-Cleanup=0", "-o", "APT::Update::Error-Mode=any", "-o", "DPkg::Lock::Timeout=" + lockTimeout.toSeconds());
    }

    /** deb822: one field per line; the key's lines continue the Signed-By field, an empty one written as " .". */
    static String content(AptSourceResource s) {
        StringBuilder out = new StringBuilder("# Kept by Kraftwerk (apt_source[" + s.name() + "]); changes here are replaced on its next run.\n");
        out.append("Types: ").append(String.join(" ", s.types())).append('\n');
        out.append("URIs: ").append(String.join(" ", s.uris())).append('\n');
        out.append("Suites: ").append(String.join(" ", s.suites())).append('\n');
        if (!s.components().isEmpty()) {
            out.append("Components: ").append(String.join(" ", s.components())).append('\n');
        }
        if (!s.architectures().isEmpty()) {
            out.append("Architectures: ").append(String.join(" ", s.architectures())).append('\n');
        }
        out.append("Signed-By:\n");
        s.key().strip().lines().forEach(line -> out.append(line.isBlank() ? " ." : " " + line.strip()).append('\n'));
        return out.toString();
    }
}
