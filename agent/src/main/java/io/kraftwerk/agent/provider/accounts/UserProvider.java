package io.kraftwerk.agent.provider.accounts;

import io.kraftwerk.agent.provider.Change;
import io.kraftwerk.agent.provider.Desired;
import io.kraftwerk.agent.provider.Observed;
import io.kraftwerk.agent.provider.Provider;
import io.kraftwerk.agent.provider.ProviderContext;
import io.kraftwerk.agent.provider.ProviderException;
import io.kraftwerk.model.resource.Ensure;
import io.kraftwerk.model.resource.UserResource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code user}: getent to read; useradd, usermod and userdel to change. Supplementary groups are
 * managed exactly. Removing a user keeps the home directory (userdel without -r).
 */
public final class UserProvider implements Provider<UserResource> {
    private final AccountDatabase accounts;

    /** Shares the group provider's cache: one getent read per generation for both. */
    public UserProvider(GroupProvider groups) {
        this.accounts = groups.accounts();
    }

    @Override
    public Class<UserResource> resourceClass() {
        return UserResource.class;
    }

    @Override
    public Desired desired(UserResource user) {
        return new Desired().ensure(user.ensure() == Ensure.PRESENT ? "present" : "absent")
                .plain("uid", user.uid() == null ? null : String.valueOf(user.uid()))
                .plain("group", user.group())
                .plain("groups", String.join(",", user.groups().stream().sorted().toList()))
                .plain("home", user.home())
                .plain("shell", user.shell())
                .plain("comment", user.comment());
    }

    @Override
    public Observed observe(UserResource user, ProviderContext context) throws IOException, ProviderException {
        Optional<AccountDatabase.User> found = accounts.user(user.name(), context);
        if (found.isEmpty()) {
            return Observed.absent();
        }
        AccountDatabase.User u = found.get();
        return new Observed().put(Desired.ENSURE, "present")
                .put("uid", String.valueOf(u.uid()))
                .put("group", accounts.groupName(u.gid()))
                .put("groups", String.join(",", accounts.memberships(u.name())))
                .put("home", u.home())
                .put("shell", u.shell())
                .put("comment", u.comment());
    }

    @Override
    public boolean apply(UserResource user, List<Change> changes, ProviderContext context)
            throws IOException, ProviderException {
        if (user.ensure() == Ensure.ABSENT) {
            context.check(List.of("userdel", user.name()));
            return false;
        }
        if (changes.stream().anyMatch(Change::isEnsure)) {
            context.check(useradd(user));
            return false;
        }
        List<String> argv = new ArrayList<>(List.of("usermod"));
        for (Change c : changes) {
            switch (c.property()) {
                case "uid" -> argv.addAll(List.of("--uid", c.desired()));
                case "group" -> argv.addAll(List.of("--gid", c.desired()));
                case "groups" -> argv.addAll(List.of("--groups", c.desired()));
                case "home" -> argv.addAll(List.of("--home", c.desired()));
                case "shell" -> argv.addAll(List.of("--shell", c.desired()));
                case "comment" -> argv.addAll(List.of("--comment", c.desired()));
                default -> throw new IllegalStateException("user property " + c.property()
                        + " has no usermod option (this is a Kraftwerk bug, please report it)");
            }
        }
        argv.add(user.name());
        context.check(argv);
        return false;
    }

    static List<String> useradd(UserResource user) {
        List<String> argv = new ArrayList<>(List.of("useradd"));
        if (user.uid() != null) {
            argv.addAll(List.of("--uid", String.valueOf(user.uid())));
        }
        if (user.group() != null) {
            argv.addAll(List.of("--gid", user.group()));
        }
        if (!user.groups().isEmpty()) {
            argv.addAll(List.of("--groups", String.join(",", user.groups().stream().sorted().toList())));
        }
        if (user.home() != null) {
            argv.addAll(List.of("--home-dir", user.home()));
        }
        if (user.shell() != null) {
            argv.addAll(List.of("--shell", user.shell()));
        }
        if (user.comment() != null) {
            argv.addAll(List.of("--comment", user.comment()));
        }
        if (user.system()) {
            argv.add("--system");
        }
        argv.add(user.manageHome() ? "--create-home" : "--no-create-home");
        argv.add(user.name());
        return argv;
    }
}
