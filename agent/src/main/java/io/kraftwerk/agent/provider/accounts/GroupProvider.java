package io.kraftwerk.agent.provider.accounts;

import io.kraftwerk.agent.provider.Change;
import io.kraftwerk.agent.provider.Desired;
import io.kraftwerk.agent.provider.Observed;
import io.kraftwerk.agent.provider.Provider;
import io.kraftwerk.agent.provider.ProviderContext;
import io.kraftwerk.agent.provider.ProviderException;
import io.kraftwerk.model.resource.Ensure;
import io.kraftwerk.model.resource.GroupResource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@code group}: getent to read; groupadd, groupmod and groupdel to change. */
public final class GroupProvider implements Provider<GroupResource> {
    private final AccountDatabase accounts;

    public GroupProvider() {
        this(new AccountDatabase());
    }

    GroupProvider(AccountDatabase accounts) {
        this.accounts = accounts;
    }

    /** The user provider shares the cache, so one getent read serves both types. */
    AccountDatabase accounts() {
        return accounts;
    }

    @Override
    public Class<GroupResource> resourceClass() {
        return GroupResource.class;
    }

    @Override
    public Desired desired(GroupResource group) {
        return new Desired().ensure(group.ensure() == Ensure.PRESENT ? "present" : "absent")
                .plain("gid", group.gid() == null ? null : String.valueOf(group.gid()));
    }

    @Override
    public Observed observe(GroupResource group, ProviderContext context) throws IOException, ProviderException {
        Optional<AccountDatabase.Group> found = accounts.group(group.name(), context);
        if (found.isEmpty()) {
            return Observed.absent();
        }
        return new Observed().put(Desired.ENSURE, "present").put("gid", String.valueOf(found.get().gid()));
    }

    @Override
    public boolean apply(GroupResource group, List<Change> changes, ProviderContext context)
            throws IOException, ProviderException {
        if (group.ensure() == Ensure.ABSENT) {
            context.check(List.of("groupdel", group.name()));
        } else if (changes.stream().anyMatch(Change::isEnsure)) {
            List<String> argv = new ArrayList<>(List.of("groupadd"));
            if (group.gid() != null) {
                argv.addAll(List.of("--gid", String.valueOf(group.gid())));
            }
            if (group.system()) {
                argv.add("--system");
            }
            argv.add(group.name());
            context.check(argv);
        } else {
            context.check(List.of("groupmod", "--gid", String.valueOf(group.gid()), group.name()));
        }
        return false;
    }
}
