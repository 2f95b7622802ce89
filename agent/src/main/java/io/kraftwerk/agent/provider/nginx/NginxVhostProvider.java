package io.kraftwerk.agent.provider.nginx;

import io.kraftwerk.agent.exec.CommandResult;
import io.kraftwerk.agent.fs.FsEntry;
import io.kraftwerk.agent.provider.Change;
import io.kraftwerk.agent.provider.Desired;
import io.kraftwerk.agent.provider.Observed;
import io.kraftwerk.agent.provider.Provider;
import io.kraftwerk.agent.provider.ProviderContext;
import io.kraftwerk.agent.provider.ProviderException;
import io.kraftwerk.agent.provider.Refreshable;
import io.kraftwerk.model.report.LogLine;
import io.kraftwerk.model.resource.Ensure;
import io.kraftwerk.model.resource.NginxVhostResource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code nginx_vhost}: {@code sites-available/NAME} linked from {@code sites-enabled/NAME}. A new
 * configuration is put in place, checked with {@code nginx -t}, and only then reloaded; when the
 * check fails, the previous file and link are restored before anything reloads, so the running
 * site keeps its last good configuration.
 */
public final class NginxVhostProvider implements Provider<NginxVhostResource>, Refreshable<NginxVhostResource> {
    static final String AVAILABLE = "/etc/nginx/sites-available/";
    static final String ENABLED = "/etc/nginx/sites-enabled/";
    static final String PID_FILE = "/run/nginx.pid";

    @Override
    public Class<NginxVhostResource> resourceClass() {
        return NginxVhostResource.class;
    }

    @Override
    public Desired desired(NginxVhostResource v) {
        Desired d = new Desired().ensure(v.ensure() == Ensure.PRESENT ? "present" : "absent");
        if (v.ensure() == Ensure.PRESENT) {
            d.content("config", NginxConfig.render(v), false).plain("enabled", "true");
        }
        return d;
    }

    @Override
    public Observed observe(NginxVhostResource v, ProviderContext context) throws IOException {
        Path file = context.path(AVAILABLE + v.name());
        Path link = context.path(ENABLED + v.name());
        if (!Files.isRegularFile(file)) {
            return Files.exists(link, LinkOption.NOFOLLOW_LINKS)
                    ? new Observed().put(Desired.ENSURE, "enabled without a configuration file") : Observed.absent();
        }
        return new Observed().put(Desired.ENSURE, "present")
                .put("config", Files.readString(file, StandardCharsets.UTF_8))
                .put("enabled", String.valueOf(isLinked(v, context)));
    }

    @Override
    public boolean apply(NginxVhostResource v, List<Change> changes, ProviderContext context)
            throws IOException, ProviderException {
        Path file = context.path(AVAILABLE + v.name());
        Path link = context.path(ENABLED + v.name());
        byte[] previous = Files.isRegularFile(file) ? Files.readAllBytes(file) : null;
        FsEntry previousLink = context.fs().stat(link);
        if (v.ensure() == Ensure.ABSENT) {
            Files.deleteIfExists(link);
            if (previous != null) {
                context.backups().store(AVAILABLE + v.name(), previous);
                Files.delete(file);
            }
            return reload(context);
        }
        if (!Files.isDirectory(file.getParent())) {
            throw new ProviderException(file.getParent() + " does not exist: is nginx installed?"
                    + " (declare package[nginx]; Debian's nginx package provides sites-available)");
        }
        byte[] config = NginxConfig.render(v).getBytes(StandardCharsets.UTF_8);
        if (previous != null && changes.stream().anyMatch(c -> c.property().equals("config"))) {
            context.backups().store(AVAILABLE + v.name(), previous);
        }
        context.fs().writeAtomically(file, config, "root", "root", "0644");
        if (!isLinked(v, context)) {
            Files.deleteIfExists(link);
            Files.createDirectories(link.getParent());
            Files.createSymbolicLink(link, Path.of(AVAILABLE + v.name()));
        }
        CommandResult test = context.runner().run(List.of("nginx", "-t", "-q"));
        if (!test.succeeded()) {
            restore(file, link, previous, previousLink, v, context);
            throw new ProviderException("nginx -t rejected the new configuration of " + v.id()
                    + "; the previous configuration stays active: " + test.describeFailure());
        }
        return reload(context);
    }

    @Override
    public String refresh(NginxVhostResource v, ProviderContext context) throws Exception {
        if (v.ensure() == Ensure.ABSENT) {
            return "not reloaded: the vhost is absent";
        }
        context.check(List.of("nginx", "-t", "-q"));
        return reload(context) ? "reloaded nginx" : "nginx is not running: nothing to reload";
    }

    private static void restore(Path file, Path link, byte[] previous, FsEntry previousLink, NginxVhostResource v,
                                ProviderContext context) throws IOException, ProviderException {
        if (previous == null) {
            Files.deleteIfExists(file);
        } else {
            context.fs().writeAtomically(file, previous, null, null, null);
        }
        if (!previousLink.exists()) {
            Files.deleteIfExists(link);
        }
    }

    /** Reloads a running nginx; a stopped one will read the files when it starts. */
    private static boolean reload(ProviderContext context) throws IOException, ProviderException {
        if (!nginxRunning(context)) {
            context.log(LogLine.Level.WARNING, "nginx", "nginx is not running; the configuration is in place"
                    + " and will be used when it starts");
            return false;
        }
        context.check(List.of("nginx", "-s", "reload"));
        return true;
    }

    private static boolean nginxRunning(ProviderContext context) throws IOException {
        Path pidFile = context.path(PID_FILE);
        if (!Files.isRegularFile(pidFile)) {
            return false;
        }
        String pid = Files.readString(pidFile).strip();
        return pid.matches("[0-9]+") && ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false);
    }

    private static boolean isLinked(NginxVhostResource v, ProviderContext context) throws IOException {
        Path link = context.path(ENABLED + v.name());
        return Files.isSymbolicLink(link) && Files.readSymbolicLink(link).toString().equals(AVAILABLE + v.name());
    }
}
