package io.kraftwerk.agent.provider.kernel;

import io.kraftwerk.agent.fs.FsEntry;
import io.kraftwerk.agent.provider.Change;
import io.kraftwerk.agent.provider.ConfigFile;
import io.kraftwerk.agent.provider.Desired;
import io.kraftwerk.agent.provider.Observed;
import io.kraftwerk.agent.provider.Provider;
import io.kraftwerk.agent.provider.ProviderContext;
import io.kraftwerk.agent.provider.ProviderException;
import io.kraftwerk.model.resource.Ensure;
import io.kraftwerk.model.resource.SysctlResource;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code sysctl}: the value now is read from and written to /proc/sys (the file sysctl(8) itself
 * uses, so no shell and no parsing of sysctl's output); the value after a boot is one file per
 * parameter in /etc/sysctl.d, which systemd-sysctl and procps apply at boot. Values compare with
 * their whitespace collapsed, as the kernel prints {@code 32768 60999} with a tab.
 */
public final class SysctlProvider implements Provider<SysctlResource> {
    static final String VALUE = "value";
    static final String PERSISTED = "persisted";

    @Override
    public Class<SysctlResource> resourceClass() {
        return SysctlResource.class;
    }

    @Override
    public Desired desired(SysctlResource s) {
        if (s.ensure() == Ensure.ABSENT) {
            return new Desired().ensure("absent");
        }
        String value = normalized(s.value());
        return new Desired().ensure("present").plain(VALUE, value).plain(PERSISTED, value);
    }

    @Override
    public Observed observe(SysctlResource s, ProviderContext context) throws IOException, ProviderException {
        Path conf = context.path(confFile(s.name()));
        FsEntry entry = context.fs().stat(conf);
        if (s.ensure() == Ensure.ABSENT) {
            return entry.exists() ? new Observed().put(Desired.ENSURE, "present") : Observed.absent();
        }
        String persisted = entry.type() == FsEntry.Type.FILE ? persisted(s.name(),
                new String(context.fs().read(conf), StandardCharsets.UTF_8)) : null;
        String now = live(s, context);
        return new Observed().put(Desired.ENSURE, "present").put(VALUE, now).put(PERSISTED, persisted == null ? "(not kept)" : persisted);
    }

    @Override
    public boolean apply(SysctlResource s, List<Change> changes, ProviderContext context) throws IOException, ProviderException {
        if (s.ensure() == Ensure.ABSENT) {
            ConfigFile.delete(confFile(s.name()), context);
            return false;
        }
        String value = normalized(s.value());
        // the kernel first: a value it refuses or adjusts must not be kept for every boot
        if (changes.stream().anyMatch(c -> c.property().equals(VALUE) || c.isEnsure())) {
            Path proc = procFile(s, context);
            try {
                try (OutputStream out = Files.newOutputStream(proc)) {
                    out.write((value + "\n").getBytes(StandardCharsets.US_ASCII)); // one write(), as the kernel wants it
                }
            } catch (IOException e) {
                throw new ProviderException("the kernel refused " + s.name() + " = " + value + " (" + e.getMessage()
                        + "): check the value, and that this node may set it (some parameters are read-only in a container)");
            }
            String now = live(s, context);
            if (!value.equals(now)) {
                throw new ProviderException("the kernel took " + s.name() + " = " + value + " as " + now
                        + ": it adjusts values out of range; use a value it keeps");
            }
        }
        if (changes.stream().anyMatch(c -> c.property().equals(PERSISTED) || c.isEnsure())) {
            ConfigFile.write(confFile(s.name()), content(s.name(), value), context);
        }
        return false;
    }

    /** {@code /etc/sysctl.d/60-kraftwerk-NAME.conf}: after the distribution's files, before the admin's 99-*. */
    static String confFile(String name) {
        return "/etc/sysctl.d/60-kraftwerk-" + name + ".conf";
    }

    static String content(String name, String value) {
        return "# Kept by Kraftwerk (sysctl[" + name + "]); changes here are replaced on its next run.\n" + name + " = " + value + "\n";
    }

    /** The value the file sets for {@code name}, or what the file holds when it sets none (shown as the drift). */
    static String persisted(String name, String content) {
        for (String line : content.split("\n")) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#") || l.startsWith(";")) {
                continue;
            }
            int eq = l.indexOf('=');
            if (eq > 0 && l.substring(0, eq).strip().replace('/', '.').equals(name)) {
                return normalized(l.substring(eq + 1));
            }
        }
        return "(the file does not set it)";
    }

    private static String live(SysctlResource s, ProviderContext context) throws ProviderException {
        Path proc = procFile(s, context);
        // in one read() from offset 0: the kernel answers a sysctl read at any other offset with
        // end-of-file, so a reader that reads a byte first (as Files.readString does on a file whose
        // size is 0, as /proc files say) gets only the first digit
        try (InputStream in = Files.newInputStream(proc)) {
            byte[] buffer = new byte[8192];
            int n = in.read(buffer);
            return normalized(new String(buffer, 0, Math.max(n, 0), StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            throw new ProviderException("the kernel has no parameter " + s.name() + " (no " + proc + "): check its name, or load"
                    + " the module that provides it first");
        } catch (IOException e) {
            throw new ProviderException("cannot read " + proc + ": " + e.getMessage());
        }
    }

    /** /proc/sys/a/b/c for a.b.c (the name's pattern allows no '/' and no empty or '..' segment). */
    private static Path procFile(SysctlResource s, ProviderContext context) {
        return context.path("/proc/sys/" + s.name().replace('.', '/'));
    }

    static String normalized(String value) {
        return value.strip().replaceAll("\\s+", " ");
    }
}
