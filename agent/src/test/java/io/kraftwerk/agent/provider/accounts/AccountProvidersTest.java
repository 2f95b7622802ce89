package io.kraftwerk.agent.provider.accounts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kraftwerk.agent.provider.Change;
import io.kraftwerk.agent.provider.Diff;
import io.kraftwerk.agent.provider.RecordingContext;
import io.kraftwerk.model.resource.Ensure;
import io.kraftwerk.model.resource.GroupResource;
import io.kraftwerk.model.resource.UserResource;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class AccountProvidersTest {
    private final GroupProvider groups = new GroupProvider();
    private final UserProvider users = new UserProvider(groups);
    private final RecordingContext context = new RecordingContext(Path.of("/"))
            .answer(List.of("getent", "passwd"), 0, "root:x:0:0:root:/root:/bin/bash\n"
                    + "deploy:x:2001:2000:Deployments:/home/deploy:/bin/sh\n", "")
            .answer(List.of("getent", "group"), 0, "root:x:0:\nops:x:2000:\nadm:x:4:deploy\nwww-data:x:33:\n", "");
    private final UserResource deploy = new UserResource("deploy", null, 2001, "ops", List.of("www-data", "adm"),
            "/home/deploy", "/bin/bash", "Deployments", false, true);

    @Test
    void createsAUserWithEveryAttributeAsItsOwnArgument() {
        assertEquals(List.of("useradd", "--uid", "2001", "--gid", "ops", "--groups", "adm,www-data", "--home-dir",
                "/home/deploy", "--shell", "/bin/bash", "--comment", "Deployments", "--create-home", "deploy"),
                UserProvider.useradd(deploy));
    }

    @Test
    void findsTheDifferencesAndModifiesOnlyThose() throws Exception {
        List<Change> changes = Diff.changes(users.desired(deploy), users.observe(deploy, context));
        assertEquals(List.of("groups adm -> adm,www-data", "shell /bin/sh -> /bin/bash"),
                changes.stream().map(c -> c.property() + " " + c.previous() + " -> " + c.desired()).toList());
        users.apply(deploy, changes, context);
        assertEquals(List.of("usermod", "--groups", "adm,www-data", "--shell", "/bin/bash", "deploy"),
                context.commands.get(context.commands.size() - 1));
    }

    @Test
    void readsUsersAndGroupsOnceUntilSomethingChanges() throws Exception {
        users.observe(deploy, context);
        groups.observe(new GroupResource("ops", null, 2000, false), context);
        assertEquals(2, context.commands.size(), "one getent passwd and one getent group serve both types");
        context.bump();
        groups.observe(new GroupResource("ops", null, 2000, false), context);
        assertEquals(4, context.commands.size());
    }

    @Test
    void createsAndRemovesGroups() throws Exception {
        GroupResource admins = new GroupResource("dbadmins", null, null, true);
        List<Change> create = Diff.changes(groups.desired(admins), groups.observe(admins, context));
        groups.apply(admins, create, context);
        assertEquals(List.of("groupadd", "--system", "dbadmins"), context.commands.get(context.commands.size() - 1));
        GroupResource gone = new GroupResource("ops", Ensure.ABSENT, null, false);
        groups.apply(gone, Diff.changes(groups.desired(gone), groups.observe(gone, context)), context);
        assertEquals(List.of("groupdel", "ops"), context.commands.get(context.commands.size() - 1));
    }
}
