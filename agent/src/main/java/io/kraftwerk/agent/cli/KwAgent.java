package io.kraftwerk.agent.cli;

import io.kraftwerk.agent.facts.NodeFacts;
import io.kraftwerk.agent.run.Host;
import io.kraftwerk.model.json.ModelJson;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * {@code kw-agent}. The agent runs on every node, so it starts fast: no framework; the commands
 * parse their arguments ({@link Args}) and call the run ({@code io.kraftwerk.agent.run}). Plain
 * {@code kw-agent} is one run now and {@code kw-agent --noop} its dry run, as {@code puppet agent -t}
 * and {@code --noop} are: the commands people type most are the shortest.
 */
public final class KwAgent {
    static final int EXIT_USAGE = 64;

    private KwAgent() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 1 && args[0].equals("--version")) {
            String version = KwAgent.class.getPackage().getImplementationVersion();
            out.println("kw-agent " + (version == null ? "development" : version));
            return 0;
        }
        if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help"))) {
            out.print(usage());
            return 0;
        }
        if (args.length == 0 || args[0].startsWith("-")) {
            // no command, or run's options alone: kw-agent [--noop] [run options] is kw-agent run
            return RunCommand.run(List.of(args), out, err);
        }
        String command = args[0];
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (command) {
            case "facts":
                if (rest.length > 0) {
                    err.println("kw-agent facts: unexpected argument '" + rest[0] + "'");
                    return EXIT_USAGE;
                }
                // what facts.d could not give goes to standard error: standard output stays a facts document
                Host host = Host.local();
                NodeFacts facts = NodeFacts.of(host.root(), host.factsRunner());
                facts.errors().forEach(e -> err.println("kw-agent facts: " + e));
                out.print(ModelJson.write(facts.values()));
                return 0;
            case "apply":
                return ApplyCommand.run(List.of(rest), out, err);
            case "run":
                return RunCommand.run(List.of(rest), out, err);
            case "daemon":
                return DaemonCommand.run(List.of(rest), out, err);
            case "schedule":
                return ScheduleCommand.run(List.of(rest), out, err);
            case "bootstrap":
                return BootstrapCommand.run(List.of(rest), out, err);
            case "releases", "rollback":
                return ReleaseCommand.run(command, List.of(rest), out, err);
            case "data":
                return DataCommand.run(List.of(rest), out, err);
            default:
                err.println("kw-agent: unknown command '" + command + "'");
                err.print(usage());
                return EXIT_USAGE;
        }
    }

    static String usage() {
        return """
                Usage: kw-agent [--noop] [RUN OPTIONS]   one run now (kw-agent run), or its dry run
                       kw-agent COMMAND [OPTIONS]

                Commands:
                  bootstrap get this node a certificate from the master's CA (kw-agent bootstrap --help)
                  run       one run now: fetch the catalog from the master, converge, report (kw-agent run --help)
                  daemon    a run every interval, each node in its own slot (kw-agent daemon --help)
                  schedule  when this node's daemon runs next, and its slot (kw-agent schedule --help)
                  apply     converge this node to a catalog file, without a master (kw-agent apply --help)
                  releases  the releases of an app this node keeps (kw-agent releases APP)
                  rollback  switch an app back to a kept release, through its health gate, and pin it
                            (kw-agent rollback APP [--to RELEASE])
                  data      an app's data dirs and databases: dump to a file, load one, push a dump to the master,
                            pull another node's and load it (kw-agent data --help)
                  facts     print this node's facts as JSON (the shape manifests read as ${facts.…}), with those
                            of /etc/kraftwerk/facts.d under custom; what facts.d cannot give goes to standard error

                """;
    }
}
