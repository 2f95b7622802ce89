package io.kraftwerk.agent.provider.runit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.sun.net.httpserver.HttpServer;
import io.kraftwerk.agent.provider.RecordingContext;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a failed health check says: the app's answer with the start of its body, and the last lines of its log. */
class HealthFailureTest {
    @TempDir
    Path root;

    private HttpServer app;

    private String bind(int status, String body) throws Exception {
        app = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        app.createContext("/healthz", exchange -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        app.start();
        return "127.0.0.1:" + app.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        if (app != null) {
            app.stop(0);
        }
    }

    @Test
    void anUnhealthyAnswerIsReportedWithTheStartOfItsBody() throws Exception {
        String bind = bind(500, "Internal Server Error\n\nTraceback (most recent call last):\n  File \"app.py\", line 3\n"
                + "KeyError: 'HELLO_SECRET_KEY'\nline six\nline seven\n");
        assertEquals("GET /healthz answered 500:\n  Internal Server Error\n  Traceback (most recent call last):\n"
                + "    File \"app.py\", line 3\n  KeyError: 'HELLO_SECRET_KEY'\n  line six (waited 0 s)",
                new HttpProbe(bind, "/healthz", Duration.ofMillis(300)).check());
    }

    @Test
    void aHealthyAnswerPasses() throws Exception {
        assertNull(new HttpProbe(bind(200, "ok\n"), "/healthz", Duration.ofSeconds(5)).check());
    }

    @Test
    void theLastLinesOfTheLogComeWithTheFailureWithoutSecrets() throws Exception {
        RecordingContext context = new RecordingContext(root);
        Path log = Files.createDirectories(root.resolve("var/log/hello")).resolve("current");
        StringBuilder lines = new StringBuilder();
        for (int i = 1; i <= 12; i++) {
            lines.append("line ").append(i).append('\n');
        }
        lines.append("connecting with s3cret-key failed\n");
        Files.writeString(log, lines);
        ServiceSpec spec = new ServiceSpec("gunicorn_app[hello]", "hello", true, true, "", "", "/var/log/hello",
                new TreeMap<>(Map.of("HELLO_SECRET_KEY", "s3cret-key")), List.of("HELLO_SECRET_KEY"), new TreeMap<>(), null);
        assertEquals("\nthe last lines of its log (/var/log/hello/current):\nline 4\nline 5\nline 6\nline 7\nline 8\nline 9\nline 10\n"
                + "line 11\nline 12\nconnecting with [sensitive] failed", RunitSupervisor.logTail(spec, context));
        Files.delete(log);
        assertEquals("", RunitSupervisor.logTail(spec, context), "no log yet: nothing to add");
    }

    @Test
    void aReleaseGateExpectsItsStatusAndBodyText() throws Exception {
        String bind = bind(200, "degraded: queue full\n");
        assertNull(new HttpProbe(bind, "/healthz", Duration.ofSeconds(5), 200, "degraded").check());
        assertEquals("GET /healthz answered 200 without 'ok' in its body:\n  degraded: queue full (waited 0 s)",
                new HttpProbe(bind, "/healthz", Duration.ofMillis(300), 200, "ok").check());
        assertEquals("GET /healthz answered 200 (expected 204):\n  degraded: queue full (waited 0 s)",
                new HttpProbe(bind, "/healthz", Duration.ofMillis(300), 204, null).check());
    }

    @Test
    void withoutAHealthCheckAnyAnswerButAServerErrorWillDo() throws Exception {
        String bind = bind(500, "boom\n"); // only /healthz is served: / answers 404, which is an answer
        assertNull(HttpProbe.answering(bind, Duration.ofSeconds(5)).check());
    }

    @Test
    void theLastErrorOfACrashLoopIsPickedOutOfItsLog() {
        String log = """
                2026-12-07_02:39:18.97001 Traceback (most recent call last):
                2026-12-07_02:39:18.97002   File "/srv/hello/releases/abc/venv/lib/python3.11/site-packages/gunicorn/util.py", line 371
                2026-12-07_02:39:18.97003 ModuleNotFoundError: No module named 'kwhello.nowhere'
                2026-12-07_02:39:18.97619 [INFO] Worker exiting (pid: 586)
                2026-12-07_02:39:18.97620 gunicorn.errors.HaltServer: <HaltServer 'Worker failed to boot.' 3>
                """;
        assertEquals("ModuleNotFoundError: No module named 'kwhello.nowhere'", RunitSupervisor.lastError(log));
        assertNull(RunitSupervisor.lastError("all quiet\n"));
    }

    @Test
    void anAppThatAcceptsAndNeverAnswersDoesNotHoldTheRunPastTheTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String bind = "127.0.0.1:" + silent.getLocalPort(); // the kernel accepts; nobody ever reads or answers
            String problem = assertTimeoutPreemptively(Duration.ofSeconds(30),
                    () -> new HttpProbe(bind, "/healthz", Duration.ofMillis(500)).check());
            assertEquals("GET /healthz via " + bind + ": no answer in time (waited 0 s)", problem);
        }
    }
}
