package io.kraftwerk.master.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.kraftwerk.model.json.ModelJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kw-master rollout status|promote|abort ENV}: an environment's canary rollout, asked of the running master. */
@Command(name = "rollout", mixinStandardHelpOptions = true,
        description = {"Show an environment's canary rollout (status), let every node take the new commit (promote), or call",
            "it off so that every node, canaries too, stays on the last good commit (abort). Asks the running master."})
final class RolloutCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "ACTION", description = "status, promote or abort")
    String action;

    @Parameters(index = "1", paramLabel = "ENV", description = "The environment (a branch of the manifests).")
    String environment;

    @Mixin
    ServerOption server;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "/var/lib/kraftwerk-master",
            description = "The master's data directory: its admin token and CA certificate (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--json", description = "Print the master's answer as JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String path = "/v1/environments/" + URLEncoder.encode(environment, StandardCharsets.UTF_8) + "/rollout";
        try {
            RunningMaster master = RunningMaster.of(server.url, dataDir);
            RunningMaster.Answer answer = switch (action) {
                case "status" -> master.get(path, Duration.ofSeconds(30));
                case "promote", "abort" -> master.post(path + "/" + action, Duration.ofSeconds(30));
                default -> null;
            };
            if (answer == null) {
                err.println("kw-master rollout: unknown action '" + action + "': status, promote or abort");
                err.flush();
                return KwMaster.EXIT_USAGE;
            }
            if (answer.status() != 200) {
                err.println("kw-master rollout: the master answered " + answer.status() + ": " + answer.body().strip());
                err.flush();
                return 1;
            }
            JsonNode r = ModelJson.mapper().readTree(answer.body());
            out.print(json ? answer.body().strip() + "\n" : text(r));
            out.flush();
            return 0;
        } catch (IOException e) {
            err.println("kw-master rollout: " + e.getMessage());
            err.flush();
            return KwMaster.EXIT_USAGE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return KwMaster.EXIT_USAGE;
        }
    }

    static String text(JsonNode r) {
        if (r.path("state").asText().equals("none")) {
            return r.path("environment").asText() + ": " + r.path("note").asText() + "\n";
        }
        StringBuilder out = new StringBuilder();
        out.append(r.path("environment").asText()).append(": ").append(r.path("state").asText()).append('\n');
        out.append("  stable:    ").append(r.path("stable").asText()).append('\n');
        out.append("  candidate: ").append(r.path("candidate").asText()).append('\n');
        out.append("  canaries:  ").append(join(r.path("canaries"))).append(" (").append(r.path("policy").asText()).append(")\n");
        out.append("  passed:    ").append(join(r.path("passed"))).append('\n');
        out.append("  started:   ").append(r.path("started_at").asText()).append(", deadline ").append(r.path("deadline").asText())
                .append('\n');
        if (!r.path("reason").isNull() && !r.path("reason").isMissingNode()) {
            out.append("  why:       ").append(r.path("reason").asText()).append('\n');
        }
        if (!r.path("failed_report").isNull() && !r.path("failed_report").isMissingNode()) {
            out.append("  failed run: ").append(r.path("failed_report").asText()).append('\n');
        }
        out.append("  last change: ").append(r.path("updated_at").asText()).append(" by ").append(r.path("updated_by").asText())
                .append('\n');
        return out.toString();
    }

    private static String join(JsonNode list) {
        StringBuilder out = new StringBuilder();
        list.forEach(n -> out.append(out.isEmpty() ? "" : ", ").append(n.asText()));
        return out.isEmpty() ? "(none)" : out.toString();
    }
}
