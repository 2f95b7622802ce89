package io.kraftwerk.agent.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.kraftwerk.model.json.ModelJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * App dumps on the master's side of mTLS: {@link #push} sends one in the chunks the master asks for
 * (sending again only what it lacks when a chunk fails on the way), {@link #pull} fetches the newest
 * one a node made, checking its bytes against the digest the master kept.
 */
public final class MasterDumps {
    private final MasterClient client;
    private final String certname;

    public MasterDumps(MasterClient client, String certname) {
        this.client = client;
        this.certname = certname;
    }

    /** What the master kept: its id, size and digest, as it answered. */
    public record Stored(String id, long size, String sha256, String json) {
    }

    /** A dump fetched to a file: its id, when it was made, its digest (checked). */
    public record Fetched(String id, String created, String sha256) {
    }

    /** The master said no (its status, or 0 when it was the bytes that were wrong). */
    public static final class Refused extends Exception {
        private final int status;

        public Refused(String message) {
            this(0, message);
        }

        public Refused(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    public Stored push(String app, Path archive) throws IOException, InterruptedException, Refused {
        long size = Files.size(archive);
        String sha256 = ArtifactCache.hex(digest(archive));
        String base = "/v1/dumps/" + certname + "/" + app;
        MasterClient.Answer begun = client.send("POST", base, "application/json",
                ("{\"size\": " + size + ", \"sha256\": \"" + sha256 + "\"}").getBytes(StandardCharsets.UTF_8), Map.of());
        if (begun.status() != 201) {
            throw new Refused("the master refused the dump: " + begun.status() + " " + begun.reason());
        }
        JsonNode upload = ModelJson.mapper().readTree(begun.body());
        String id = upload.get("upload").asText();
        boolean kept = false;
        try {
            Stored stored = send(base, id, archive, upload.get("chunk_bytes").asInt(), upload.get("chunks").asInt(), size);
            kept = true;
            return stored;
        } finally {
            if (!kept) {
                abort(base + "/uploads/" + id);
            }
        }
    }

    /** Tells the master to drop an upload this node gave up on, so it does not hold the node's place for a day. */
    private void abort(String path) {
        try {
            client.send("DELETE", path, "application/octet-stream", new byte[0], Map.of());
        } catch (IOException | InterruptedException e) {
            // the master drops it after a day; the failure that led here is the news
        }
    }

    private Stored send(String base, String id, Path archive, int chunkBytes, int chunks, long size) throws IOException,
            InterruptedException, Refused {
        List<Integer> todo = new ArrayList<>();
        for (int i = 0; i < chunks; i++) {
            todo.add(i);
        }
        for (int round = 1; !todo.isEmpty(); round++) {
            send(base + "/uploads/" + id, archive, todo, chunkBytes, size);
            MasterClient.Answer state = client.get(base + "/uploads/" + id);
            if (state.status() != 200) {
                throw new Refused("the master lost upload " + id + ": " + state.status() + " " + state.reason());
            }
            List<Integer> missing = new ArrayList<>();
            ModelJson.mapper().readTree(state.body()).get("missing").forEach(n -> missing.add(n.asInt()));
            todo = missing;
            if (!todo.isEmpty() && round == 3) {
                throw new Refused("the master still lacks chunks " + todo + " of upload " + id + " after three rounds");
            }
        }
        MasterClient.Answer done = complete(base + "/uploads/" + id + "/complete");
        if (done.status() != 201) {
            throw new Refused("the master refused the dump: " + done.status() + " " + done.reason());
        }
        JsonNode stored = ModelJson.mapper().readTree(done.body());
        return new Stored(stored.get("id").asText(), stored.get("size").asLong(), stored.get("sha256").asText(), done.text());
    }

    /**
     * Asks the master to check and keep the upload. A large one takes it a while: asked again after an
     * answer lost on the way, it says it is still checking (409), or answers with what it kept.
     */
    private MasterClient.Answer complete(String path) throws IOException, InterruptedException {
        MasterClient.Answer done = client.send("POST", path, "application/octet-stream", new byte[0], Map.of());
        for (int attempt = 1; done.status() == 409 && done.reason().contains("being checked") && attempt < 60; attempt++) {
            Thread.sleep(10_000); // polling the master's check of a large upload
            done = client.send("POST", path, "application/octet-stream", new byte[0], Map.of());
        }
        return done;
    }

    /** Sends the chunks; one that fails on the way is left for the next round, which asks the master what it lacks. */
    private void send(String path, Path archive, List<Integer> chunks, int chunkBytes, long size) throws IOException, InterruptedException,
            Refused {
        try (RandomAccessFile file = new RandomAccessFile(archive.toFile(), "r")) {
            for (int index : chunks) {
                long from = (long) index * chunkBytes;
                byte[] bytes = new byte[(int) Math.min(chunkBytes, size - from)];
                file.seek(from);
                file.readFully(bytes);
                MasterClient.Answer answer;
                try {
                    answer = client.send("PUT", path + "/" + index, "application/octet-stream", bytes, Map.of());
                } catch (IOException e) {
                    continue;
                }
                if (answer.status() != 204 && answer.status() < 500) {
                    throw new Refused("the master refused chunk " + index + ": " + answer.status() + " " + answer.reason());
                }
            }
        }
    }

    /** Fetches the newest dump of {@code node}'s {@code app} this node may read into {@code file}. */
    public Fetched pull(String node, String app, Path file) throws IOException, InterruptedException, Refused {
        HttpResponse<InputStream> answer = client.stream("/v1/dumps/" + node + "/" + app + "/latest");
        try (InputStream body = answer.body()) {
            if (answer.statusCode() != 200) {
                byte[] error = body.readNBytes(4096);
                throw new Refused(answer.statusCode(), "the master refused " + node + "'s dump of " + app + ": " + answer.statusCode() + " "
                        + new MasterClient.Answer(answer.statusCode(), error, answer.headers().map()).reason());
            }
            String expected = answer.headers().firstValue("X-Sha256").orElse("");
            MessageDigest digest = ArtifactCache.newDigest();
            try (OutputStream out = new DigestOutputStream(Files.newOutputStream(file), digest)) {
                body.transferTo(out);
            }
            String sha256 = ArtifactCache.hex(digest.digest());
            if (!sha256.equals(expected)) {
                throw new Refused("the dump from the master has SHA-256 " + sha256 + ", the master kept " + expected
                        + ": it was damaged on the way or at rest; nothing was changed");
            }
            return new Fetched(answer.headers().firstValue("Kraftwerk-Dump-Id").orElse("?"),
                    answer.headers().firstValue("Kraftwerk-Dump-Created").orElse("?"), sha256);
        }
    }

    private static byte[] digest(Path file) throws IOException {
        MessageDigest digest = ArtifactCache.newDigest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return digest.digest();
    }
}
