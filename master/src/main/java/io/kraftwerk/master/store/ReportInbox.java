package io.kraftwerk.master.store;

import io.kraftwerk.master.serve.MasterConfig;
import io.kraftwerk.master.serve.MasterPaths;
import io.kraftwerk.model.json.DocumentFormatException;
import io.kraftwerk.model.json.ModelJson;
import io.kraftwerk.model.report.Report;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Reports as agents send them, checked whole and stored whole: one JSON file per run under
 * {@code DATA/reports/CERTNAME/}, written atomically; a report sent twice (an agent retrying its
 * queue) is stored once.
 */
@ApplicationScoped
public class ReportInbox {
    @Inject
    MasterConfig config;

    /** What became of a report. */
    public record Receipt(int status, String message) {
    }

    public Receipt accept(String certname, byte[] json) throws IOException {
        Report report;
        try {
            report = ModelJson.readReport(json, "report");
        } catch (DocumentFormatException e) {
            return new Receipt(400, "the report is not valid: " + String.join("; ", e.problems()));
        }
        if (!report.node().equals(certname)) {
            return new Receipt(403, "a node may send only its own reports: this report is for " + report.node());
        }
        Path dir = new MasterPaths(config.dataDir()).reports().resolve(certname);
        Files.createDirectories(dir);
        Path file = dir.resolve(report.start().toEpochMilli() + "-" + report.runId() + ".json");
        if (Files.exists(file)) {
            return new Receipt(200, "already stored");
        }
        Path temp = dir.resolve(".incoming-" + report.runId());
        Files.write(temp, json);
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
        return new Receipt(201, "stored");
    }

    /** The stored reports of a node, oldest first. */
    public List<Path> reportsOf(String certname) throws IOException {
        Path dir = new MasterPaths(config.dataDir()).reports().resolve(certname);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        }
    }
}
