package io.kraftwerk.agent.cli;

import io.kraftwerk.agent.config.AgentConfig;
import io.kraftwerk.agent.run.AgentPaths;
import io.kraftwerk.agent.run.DataCommands;
import io.kraftwerk.agent.run.Host;
import io.kraftwerk.agent.run.Settings;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** {@code kw-agent data dump|load|push|pull APP …} ({@link DataCommands}). */
final class DataCommand {
    static final Set<String> FLAGS = Set.of("--online", "--help", "-h");
    static final Set<String> VALUES = Set.of("--output", "-o", "--from", "--from-app", "--keep", "--state-dir", "--config", "--catalog",
            "--lock-timeout", "--service-timeout");

    private DataCommand() {
    }

    static String usage() {
        return """
                Usage: kw-agent data dump APP [PART...] --output FILE [--online]
                       kw-agent data load APP FILE
                       kw-agent data push APP [PART...] [--online]
                       kw-agent data pull APP [--from NODE] [--from-app APP] [--keep FILE]

                An app's data: the data dirs and databases its wsgi_app declares on this node (the catalog the
                last run applied). A dump is one file: a manifest with each part's size and SHA-256, a tar of each
                data dir, a pg_dump (custom format) of each database; as sensitive as the data, readable by root only.
                  dump   write the dump to FILE; PART names data dirs or databases to take (default: all). The
                         app's services are stopped while its data is read, so files and rows are of one moment;
                         --online reads while it runs (files written meanwhile may be missing or half-written)
                  load   restore a dump into the app: checked whole first, then unpacked and restored beside the
                         live data (as the data's owners), then switched in with the app stopped. Nothing is
                         replaced unless every part checks out and is ready; parts the dump lacks stay as they are
                  push   dump, and send it to the master (kept encrypted, the newest few of each app)
                  pull   fetch the newest dump NODE pushed of its APP (default: what the app's restore_from names;
                         the master hands it over only if the manifests grant it: dump_access) and load it
                  --catalog FILE   read the app from this catalog instead (a node run with kw-agent apply)
                  --config FILE    agent.yaml, for push and pull (default /etc/kraftwerk/agent.yaml)
                """;
    }

    static int run(List<String> argv, PrintStream out, PrintStream err) {
        Args args;
        String action;
        try {
            args = Args.parse(argv, FLAGS, VALUES);
            if (args.help() || argv.isEmpty()) {
                out.print(usage());
                return argv.isEmpty() ? KwAgent.EXIT_USAGE : 0;
            }
            action = args.positional.get(0);
            int needed = action.equals("load") ? 3 : 2;
            if (!Set.of("dump", "load", "push", "pull").contains(action)) {
                throw new IllegalArgumentException("unknown action '" + action + "' (dump, load, push or pull)");
            }
            if (args.positional.size() < needed || (action.equals("load") || action.equals("pull")) && args.positional.size() > needed) {
                throw new IllegalArgumentException(action.equals("load") ? "load takes the app and the dump file"
                        : args.positional.size() < needed ? "missing the app's name" : action + " takes the app only");
            }
            if (action.equals("dump") && args.value("--output", args.value("-o", null)) == null) {
                throw new IllegalArgumentException("dump needs --output FILE");
            }
        } catch (IllegalArgumentException e) {
            err.println("kw-agent data: " + e.getMessage());
            err.print(usage());
            return KwAgent.EXIT_USAGE;
        }
        DataCommands data = new DataCommands(Host.local(), new AgentPaths(args.path("--state-dir", AgentConfig.DEFAULT_STATE_DIR)),
                args.path("--catalog", null), args.seconds("--lock-timeout", Settings.LOCK_TIMEOUT),
                args.seconds("--service-timeout", Settings.SERVICE_TIMEOUT));
        String app = args.positional.get(1);
        List<String> parts = args.positional.subList(2, args.positional.size());
        Path config = args.path("--config", AgentConfig.DEFAULT_FILE);
        boolean online = args.flag("--online");
        return switch (action) {
            case "dump" -> data.dump(app, parts, args.path("--output", args.path("-o", null)), online, out, err);
            case "load" -> data.load(app, Path.of(args.positional.get(2)).toAbsolutePath(), out, err);
            case "push" -> data.push(app, parts, online, config, out, err);
            default -> data.pull(app, args.value("--from", null), args.value("--from-app", null), args.path("--keep", null), config, out, err);
        };
    }
}
