package io.kraftwerk.agent.client;

import io.kraftwerk.agent.fs.FsOps;
import io.kraftwerk.agent.provider.ProviderException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Reports wait in {@code STATE/reports/queue/} until the master has them: every run queues its
 * report, then sends the queue oldest first and stops at the first failure, so none is lost and
 * their order is kept. A report the master refuses for good (4xx) moves to
 * {@code STATE/reports/rejected/} with the reason beside it, instead of blocking the queue.
 */
public final class ReportQueue {
    /** What a flush did. */
    public record Flush(int sent, int rejected, int waiting, String problem) {
    }

    private final Path queue;
    private final Path rejected;

    public ReportQueue(Path stateDir) {
        this.queue = stateDir.resolve("reports/queue");
        this.rejected = stateDir.resolve("reports/rejected");
    }

    public void add(String name, byte[] report, FsOps fs) throws IOException, ProviderException {
        Files.createDirectories(queue);
        // the agent's own state: owned by whoever runs it (root as a service, a user for the quick start's noop)
        fs.writeAtomically(queue.resolve(name + ".json"), report, null, null, "0600");
    }

    public List<Path> waiting() throws IOException {
        if (!Files.isDirectory(queue)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(queue)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        }
    }

    public Flush flush(MasterClient client, String certname) throws InterruptedException, IOException {
        int sent = 0;
        int refused = 0;
        List<Path> pending = waiting();
        for (int i = 0; i < pending.size(); i++) {
            Path report = pending.get(i);
            MasterClient.Answer answer;
            try {
                answer = send(client, certname, Files.readAllBytes(report));
            } catch (IOException e) {
                return new Flush(sent, refused, pending.size() - i, e.getMessage());
            }
            if (answer.status() / 100 == 2) {
                Files.delete(report);
                sent++;
            } else if (answer.status() / 100 == 4 && answer.status() != 429 && answer.status() != 401) {
                Files.createDirectories(rejected);
                Files.move(report, rejected.resolve(report.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                Files.writeString(rejected.resolve(report.getFileName() + ".reason"),
                        answer.status() + " " + answer.reason() + "\n", StandardCharsets.UTF_8);
                refused++;
            } else {
                return new Flush(sent, refused, pending.size() - i, "the master answered " + answer.status() + ": " + answer.reason());
            }
        }
        return new Flush(sent, refused, 0, null);
    }

    /**
     * Sends a report gzip-compressed: a tenth of the bytes for the master to take in. A master from
     * before it took compressed reports answers 400 or 415 to one; the report then goes again as plain
     * JSON, so that only a report refused either way is set aside.
     */
    private static MasterClient.Answer send(MasterClient client, String certname, byte[] json) throws IOException, InterruptedException {
        String path = "/v1/reports/" + certname;
        MasterClient.Answer answer = client.send("POST", path, "application/json", gzip(json), Map.of("Content-Encoding", "gzip"));
        if (answer.status() == 400 || answer.status() == 415) {
            answer = client.send("POST", path, "application/json", json, Map.of());
        }
        return answer;
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 8 + 64);
        try (GZIPOutputStream gz = new GZIPOutputStream(out, 8192) {
            {
                def.setLevel(Deflater.BEST_SPEED);
            }
        }) {
            gz.write(data);
        }
        return out.toByteArray();
    }
}
