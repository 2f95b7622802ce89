package io.kraftwerk.agent.cli;

import io.kraftwerk.agent.client.Bootstrapper;
import io.kraftwerk.agent.config.AgentConfig;
import io.kraftwerk.agent.run.Exit;
import io.kraftwerk.model.trust.TrustedFacts;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/** {@code kw-agent bootstrap}: a key, a signed certificate and agent.yaml. */
final class BootstrapCommand {
    private BootstrapCommand() {
    }

    static String usage() {
        return """
                Usage: kw-agent bootstrap --server URL --certname NAME [--token TOKEN | --token-file FILE]
                                          [--ca-fingerprint SHA256:…] [--trusted KEY=VALUE]... [--wait SECONDS]
                                          [--state-dir DIR] [--config FILE]

                Makes this node's key, asks the master's CA for a certificate and waits (up to --wait, default
                120 s) until it is signed, automatically with a valid bootstrap token or by an operator with
                'kw-master ca sign NAME --fingerprint SHA256:…' (the request's fingerprint is printed here while
                it waits). With --ca-fingerprint (see 'kw-master ca list'), a master whose CA does not match is
                refused. --trusted asks for a trusted fact in the certificate (e.g. role=db), which rules can match
                and the node cannot change later; the operator approves it when signing. Writes
                /etc/kraftwerk/agent.yaml (or --config). Safe to run again.
                """;
    }

    static int run(List<String> argv, PrintStream out, PrintStream err) {
        try {
            Args args = Args.parse(argv, Args.HELP, Set.of("--server", "--certname", "--token", "--token-file",
                    "--ca-fingerprint", "--wait", "--state-dir", "--config", "--poll", "--trusted"));
            if (args.help()) {
                out.print(usage());
                return 0;
            }
            URI server = URI.create(args.required("--server"));
            if (!"https".equals(server.getScheme()) || server.getHost() == null) {
                throw new IllegalArgumentException("--server must be an https:// URL such as https://master.example.net:8140");
            }
            String certname = args.required("--certname");
            if (!certname.matches("[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?") || certname.contains("..")) {
                throw new IllegalArgumentException("--certname must be a lowercase DNS name such as web1.example.net");
            }
            String token = args.value("--token", null);
            if (args.value("--token-file", null) != null) {
                token = Files.readString(args.path("--token-file", null), StandardCharsets.UTF_8).strip();
            }
            Bootstrapper.Options options = new Bootstrapper.Options(server, certname, token, args.value("--ca-fingerprint", null),
                    args.seconds("--wait", Duration.ofSeconds(120)), args.seconds("--poll", Duration.ofSeconds(5)),
                    args.path("--state-dir", AgentConfig.DEFAULT_STATE_DIR), args.path("--config", AgentConfig.DEFAULT_FILE),
                    TrustedFacts.parseAll(args.values("--trusted")));
            return new Bootstrapper(options, out).run();
        } catch (IllegalArgumentException e) {
            err.println("kw-agent bootstrap: " + e.getMessage());
            err.print(usage());
            return KwAgent.EXIT_USAGE;
        } catch (Exception e) {
            err.println("kw-agent bootstrap: " + e.getMessage());
            return Exit.NOT_RUN;
        }
    }
}
