package io.kraftwerk.systemtests;

import io.kraftwerk.model.catalog.Catalog;
import io.kraftwerk.model.json.ModelJson;
import io.kraftwerk.model.report.Event;
import io.kraftwerk.model.report.Report;
import io.kraftwerk.model.report.ResourceReport;
import io.kraftwerk.testkit.DisposableNode;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Runs {@code kw-agent apply} (a given catalog) or {@code kw-agent run} (pulled from the master) inside a node and reads back its report. */
record AgentRun(int exitCode, String output, Report report) {

    static AgentRun apply(DisposableNode node, Catalog catalog, String... options) throws Exception {
        Files.write(node.path("/root/catalog.json"), ModelJson.writeBytes(catalog));
        List<String> argv = new ArrayList<>(List.of(Repo.agent(), "apply", "/root/catalog.json", "--json", "/root/report.json"));
        argv.addAll(List.of(options));
        Files.deleteIfExists(node.path("/root/report.json"));
        DisposableNode.Result result = node.exec(argv, Duration.ofMinutes(10));
        if (!Files.exists(node.path("/root/report.json"))) {
            throw new AssertionError("kw-agent wrote no report; exit " + result.exitCode() + ":\n" + result.stdout() + result.stderr());
        }
        Report report = ModelJson.readReport(Files.readAllBytes(node.path("/root/report.json")), "report.json");
        return new AgentRun(result.exitCode(), result.stdout() + result.stderr(), report);
    }

    /** One run against the node's master, as {@code kw-agent run} (pull, converge, report). */
    static AgentRun pull(DisposableNode node) throws Exception {
        Files.deleteIfExists(node.path("/root/report.json"));
        DisposableNode.Result r = node.exec(List.of(Repo.agent(), "run", "--json", "/root/report.json"), Duration.ofMinutes(10));
        if (!Files.exists(node.path("/root/report.json"))) {
            throw new AssertionError("kw-agent run wrote no report; exit " + r.exitCode() + ":\n" + r.stdout() + r.stderr());
        }
        return new AgentRun(r.exitCode(), r.stdout() + r.stderr(), ModelJson.readReport(Files.readAllBytes(node.path("/root/report.json")),
                "report.json"));
    }

    ResourceReport resource(String id) {
        return report.resources().stream().filter(r -> r.id().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + id + " in the report"));
    }

    /** "id property previous -> desired [corrective]" for every event but refreshes: easy to compare. */
    List<String> changes() {
        List<String> out = new ArrayList<>();
        for (ResourceReport r : report.resources()) {
            for (Event e : r.events()) {
                if (!e.property().equals("refresh")) {
                    out.add(r.id() + " " + e.property() + " " + e.previous() + " -> " + e.desired()
                            + (e.corrective() ? " corrective" : "") + " " + e.status().name().toLowerCase());
                }
            }
        }
        return out;
    }
}
