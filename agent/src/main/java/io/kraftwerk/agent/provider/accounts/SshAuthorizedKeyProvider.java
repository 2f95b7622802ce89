package io.kraftwerk.agent.provider.accounts;

import io.kraftwerk.agent.fs.FsEntry;
import io.kraftwerk.agent.provider.Change;
import io.kraftwerk.agent.provider.Desired;
import io.kraftwerk.agent.provider.Observed;
import io.kraftwerk.agent.provider.Prefetching;
import io.kraftwerk.agent.provider.Provider;
import io.kraftwerk.agent.provider.ProviderContext;
import io.kraftwerk.agent.provider.ProviderException;
import io.kraftwerk.model.resource.Ensure;
import io.kraftwerk.model.resource.SshAuthorizedKeyResource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code ssh_authorized_key}: one line of {@code ~USER/.ssh/authorized_keys}, found by its key. The
 * file is the user's, in a directory the user owns, so every read and write goes through FsOps,
 * which follows no link the user may plant there; the file is written whole, atomically, owned by
 * the user and mode 0600 (sshd's StrictModes refuses a key file others can write). An exclusive key
 * also removes {@code authorized_keys2}, which sshd reads as well on Debian's default settings.
 */
public final class SshAuthorizedKeyProvider implements Provider<SshAuthorizedKeyResource>, Prefetching<SshAuthorizedKeyResource> {
    static final String LINE = "line";
    static final String UNDECLARED = "undeclared lines";
    static final String FILE_MODE = "file mode";
    /** sshd also reads this file unless AuthorizedKeysFile says otherwise, as Debian's default sshd_config does not. */
    static final String SECOND_FILE = "authorized_keys2";
    /** Larger key files are not read: a user could otherwise make the agent exhaust its memory. */
    static final long MAX_FILE = 1024 * 1024;
    private final AccountDatabase accounts;
    /** Per user, the keys this run's catalog declares present: what an exclusive key keeps. */
    private Map<String, Set<String>> declared = Map.of();

    public SshAuthorizedKeyProvider(GroupProvider groups) {
        this.accounts = groups.accounts();
    }

    @Override
    public Class<SshAuthorizedKeyResource> resourceClass() {
        return SshAuthorizedKeyResource.class;
    }

    @Override
    public void prefetch(List<SshAuthorizedKeyResource> keys, ProviderContext context) {
        Map<String, Set<String>> byUser = new HashMap<>();
        keys.stream().filter(k -> k.ensure() == Ensure.PRESENT).forEach(k -> byUser.computeIfAbsent(k.user(), u -> new HashSet<>()).add(k.key()));
        declared = byUser;
    }

    @Override
    public Desired desired(SshAuthorizedKeyResource key) {
        if (key.ensure() == Ensure.ABSENT) {
            return new Desired().ensure("absent");
        }
        Desired desired = new Desired().ensure("present").plain(LINE, line(key)).plain(FILE_MODE, "0600");
        return key.exclusive() ? desired.plain(UNDECLARED, "none").plain(SECOND_FILE, "absent") : desired;
    }

    @Override
    public Observed observe(SshAuthorizedKeyResource key, ProviderContext context) throws IOException, ProviderException {
        Optional<AccountDatabase.User> user = accounts.user(key.user(), context);
        if (user.isEmpty()) {
            return Observed.absent(); // its user is made first (an implied edge), or the run says the user is missing
        }
        Path file = file(user.get());
        KeyFile keyFile = read(file, context);
        List<String> lines = keyFile.lines();
        List<String> ours = lines.stream().filter(l -> AuthorizedKeys.keyOf(l).filter(key.key()::equals).isPresent()).toList();
        if (ours.isEmpty()) {
            return Observed.absent();
        }
        Observed observed = new Observed().put(Desired.ENSURE, "present").put(LINE, String.join("\n", ours))
                .put(FILE_MODE, keyFile.mode());
        if (key.exclusive()) {
            long others = lines.stream().filter(l -> !keeps(key.user(), l)).count();
            observed.put(UNDECLARED, others == 0 ? "none" : others + (others == 1 ? " line" : " lines"));
            boolean second = context.fs().stat(context.path(file.resolveSibling(SECOND_FILE).toString())).exists();
            observed.put(SECOND_FILE, second ? "present" : "absent");
        }
        return observed;
    }

    @Override
    public boolean apply(SshAuthorizedKeyResource key, List<Change> changes, ProviderContext context) throws IOException, ProviderException {
        AccountDatabase.User user = accounts.user(key.user(), context).orElseThrow(() -> new ProviderException("user " + key.user()
                + " does not exist: declare it (user[" + key.user() + "]) or create it before its keys"));
        Path file = file(user);
        List<String> out = new ArrayList<>();
        boolean written = false;
        for (String line : read(file, context).lines()) {
            boolean ours = AuthorizedKeys.keyOf(line).filter(key.key()::equals).isPresent();
            if (ours && key.ensure() == Ensure.PRESENT && !written) {
                out.add(line(key));
                written = true;
            } else if (!ours && (!key.exclusive() || keeps(key.user(), line))) {
                out.add(line);
            }
        }
        if (key.ensure() == Ensure.PRESENT && !written) {
            out.add(line(key));
        }
        String group = accounts.groupName(user.gid());
        Path dir = context.path(file.getParent().toString());
        FsEntry sshDir = context.fs().stat(dir);
        if (!sshDir.exists()) {
            context.fs().createDirectory(dir, user.name(), group, "0700");
        } else if (sshDir.type() != FsEntry.Type.DIRECTORY) {
            throw new ProviderException(file.getParent() + " is " + sshDir.describe() + ", not a directory; sshd reads keys from a directory there");
        }
        String content = out.isEmpty() ? "" : String.join("\n", out) + "\n";
        context.fs().writeAtomically(context.path(file.toString()), content.getBytes(StandardCharsets.UTF_8), user.name(), group, "0600");
        if (key.exclusive()) {
            context.fs().delete(context.path(file.resolveSibling(SECOND_FILE).toString())); // keys there would let others in too
        }
        return false;
    }

    /** {@code options type key comment}, as sshd reads it. */
    static String line(SshAuthorizedKeyResource key) {
        String options = key.options().isEmpty() ? "" : String.join(",", key.options()) + " ";
        return options + key.keyType() + " " + key.key() + (key.comment().isEmpty() ? "" : " " + key.comment());
    }

    /** Whether an exclusive key of {@code user} keeps a line: only lines of keys the catalog declares for the user. */
    private boolean keeps(String user, String line) {
        return AuthorizedKeys.keyOf(line).filter(k -> declared.getOrDefault(user, Set.of()).contains(k)).isPresent();
    }

    private Path file(AccountDatabase.User user) throws ProviderException {
        if (!user.home().startsWith("/") || user.home().contains("/../") || user.home().endsWith("/..")) {
            throw new ProviderException("user " + user.name() + " has the home directory '" + user.home() + "', not an absolute path");
        }
        if (user.home().equals("/")) {
            throw new ProviderException("user " + user.name() + " has / as home directory: Kraftwerk does not make /.ssh for them"
                    + " (give the user a home of their own)");
        }
        return Path.of(user.home(), ".ssh", "authorized_keys");
    }

    /** The key file's lines and mode, as one look at it found them (no file: no lines, no mode). */
    private record KeyFile(List<String> lines, String mode) {
    }

    private static KeyFile read(Path file, ProviderContext context) throws IOException, ProviderException {
        Path path = context.path(file.toString());
        FsEntry entry = context.fs().stat(path);
        if (!entry.exists()) {
            return new KeyFile(List.of(), null);
        }
        if (entry.type() != FsEntry.Type.FILE) {
            throw new ProviderException(file + " is " + entry.describe() + "; Kraftwerk does not replace it (remove it by hand)");
        }
        return new KeyFile(new String(context.fs().read(path, MAX_FILE), StandardCharsets.UTF_8).lines().toList(), entry.mode());
    }
}
