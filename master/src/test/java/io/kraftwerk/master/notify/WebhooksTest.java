package io.kraftwerk.master.notify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kraftwerk.master.manifest.ManifestException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The webhooks file, the signature and the retry schedule. */
class WebhooksTest {
    @TempDir
    Path dir;

    @Test
    void aWebhookTakesEveryAlertUnlessItNamesSomeAndItsSecretFromAPrivateFile() throws Exception {
        Files.writeString(dir.resolve("ops.secret"), "k".repeat(40) + "\n");
        Files.setPosixFilePermissions(dir.resolve("ops.secret"), PosixFilePermissions.fromString("rw-------"));
        Path file = dir.resolve("webhooks.yaml");
        Files.writeString(file, "webhooks:\n  - name: ops\n    url: https://alerts.example.net/kraftwerk\n    secret_file: ops.secret\n"
                + "  - name: chat\n    url: http://127.0.0.1:9000/hook\n    secret_file: ops.secret\n    events: [rollout_halted]\n");
        List<Webhook> hooks = Webhooks.load(file);
        assertEquals(List.of("ops", "chat"), hooks.stream().map(Webhook::name).toList());
        assertEquals(EnumSet.allOf(AlertType.class), hooks.get(0).events());
        assertEquals(Set.of(AlertType.ROLLOUT_HALTED), hooks.get(1).events());
        assertArrayEquals("k".repeat(40).getBytes(StandardCharsets.UTF_8), hooks.get(0).secret(), "the file's text, stripped");
        assertEquals(List.of(), Webhooks.load(dir.resolve("absent.yaml")), "no file: no webhooks");
    }

    @Test
    void everyMistakeIsAnErrorAtItsLine() throws Exception {
        Files.writeString(dir.resolve("short.secret"), "too short");
        Files.setPosixFilePermissions(dir.resolve("short.secret"), PosixFilePermissions.fromString("rw-------"));
        Path file = dir.resolve("webhooks.yaml");
        Files.writeString(file, "webhooks:\n  - name: ops\n    url: https://user:pw@alerts.example.net/\n    secret_file: short.secret\n"
                + "  - name: ops\n    url: https://a.example.net/\n    secret_file: missing.secret\n    colour: red\n  - url: x\n");
        ManifestException e = assertThrows(ManifestException.class, () -> Webhooks.load(file));
        assertEquals(List.of(
                file + ":3:10: 'https://user:pw@alerts.example.net/' is not a webhook URL: not an http(s) URL with a host and without"
                        + " user:password (write e.g. https://alerts.example.net/kraftwerk (credentials go in the signature, not the URL))",
                file + ":4:18: the secret in " + dir.resolve("short.secret") + " is 9 bytes; at least 32 are needed (make one with"
                        + " 'head -c 32 /dev/urandom | base64 > " + dir.resolve("short.secret") + "')",
                file + ":5:11: webhook 'ops' is named twice (name each once)",
                file + ":7:18: cannot read the secret file " + dir.resolve("missing.secret") + ": " + dir.resolve("missing.secret"),
                file + ":8:5: unknown webhook key 'colour' (known: name, url, secret_file, events)",
                file + ":9:5: a webhook needs 'name'",
                file + ":9:5: a webhook needs 'secret_file'",
                file + ":9:10: 'x' is not a webhook URL: not an http(s) URL with a host and without user:password (write e.g."
                        + " https://alerts.example.net/kraftwerk (credentials go in the signature, not the URL))"),
                e.diagnostics().stream().map(Object::toString).toList());
    }

    @Test
    void theSignatureIsHmacSha256OfTheTimeAndTheBody() {
        // computed independently: printf '1700000000.{}' | openssl dgst -sha256 -hmac Jefe
        assertEquals("t=1700000000,v1=d3793e2b4103edfbd98cc19591832f5fad701d413db9fcae0ae7dab8184ed207",
                Signature.header("Jefe".getBytes(StandardCharsets.US_ASCII), 1700000000L, "{}".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void retriesWaitThreeTimesLongerEachTimeAtMostAnHour() {
        assertEquals(List.of(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(90), Duration.ofSeconds(270),
                        Duration.ofSeconds(810), Duration.ofSeconds(2430), Duration.ofHours(1)),
                List.of(1, 2, 3, 4, 5, 6, 7).stream().map(n -> Dispatcher.backoff(Duration.ofSeconds(10), n)).toList());
    }
}
