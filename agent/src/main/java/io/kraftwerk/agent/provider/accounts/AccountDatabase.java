package io.kraftwerk.agent.provider.accounts;

import io.kraftwerk.agent.provider.ProviderContext;
import io.kraftwerk.agent.provider.ProviderException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Users and groups as getent(1) reports them (so NSS sources count, not just /etc files), read
 * with two commands and cached until the engine's generation moves on.
 */
final class AccountDatabase {
    /** One passwd entry. */
    record User(String name, int uid, int gid, String comment, String home, String shell) {
    }

    /** One group entry. */
    record Group(String name, int gid, List<String> members) {
    }

    private long generation = -1;
    private Map<String, User> users = Map.of();
    private Map<String, Group> groups = Map.of();
    private Map<Integer, String> groupNames = Map.of();

    Optional<User> user(String name, ProviderContext context) throws IOException, ProviderException {
        refresh(context);
        return Optional.ofNullable(users.get(name));
    }

    Optional<Group> group(String name, ProviderContext context) throws IOException, ProviderException {
        refresh(context);
        return Optional.ofNullable(groups.get(name));
    }

    String groupName(int gid) {
        return groupNames.getOrDefault(gid, String.valueOf(gid));
    }

    /** Supplementary groups of a user, sorted. */
    List<String> memberships(String user) {
        TreeSet<String> names = new TreeSet<>();
        groups.values().forEach(g -> {
            if (g.members().contains(user)) {
                names.add(g.name());
            }
        });
        return List.copyOf(names);
    }

    private void refresh(ProviderContext context) throws IOException, ProviderException {
        if (generation == context.generation()) {
            return;
        }
        Map<String, User> u = new HashMap<>();
        for (String[] f : entries(context, "passwd", 7)) {
            u.put(f[0], new User(f[0], Integer.parseInt(f[2]), Integer.parseInt(f[3]), f[4], f[5], f[6]));
        }
        Map<String, Group> g = new HashMap<>();
        Map<Integer, String> names = new HashMap<>();
        for (String[] f : entries(context, "group", 4)) {
            List<String> members = f[3].isEmpty() ? List.of() : List.of(f[3].split(","));
            g.put(f[0], new Group(f[0], Integer.parseInt(f[2]), members));
            names.putIfAbsent(Integer.parseInt(f[2]), f[0]);
        }
        users = u;
        groups = g;
        groupNames = names;
        generation = context.generation();
    }

    private static List<String[]> entries(ProviderContext context, String database, int fields)
            throws IOException, ProviderException {
        List<String[]> out = new ArrayList<>();
        for (String line : context.check(List.of("getent", database)).stdout().split("\n")) {
            String[] f = line.split(":", -1);
            if (f.length >= fields && f[2].matches("[0-9]+")) {
                out.add(f);
            }
        }
        return out;
    }
}
