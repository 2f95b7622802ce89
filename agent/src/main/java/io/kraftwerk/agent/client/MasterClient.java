package io.kraftwerk.agent.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * The agent's HTTPS client for the master: the node's certificate, trust in the master's CA only,
 * timeouts, and bounded retries with exponential backoff for what may pass (connection failures,
 * 502/503/504, and 429, whose Retry-After it honours).
 */
public final class MasterClient {
    /** How hard to try. */
    public record Retry(int attempts, Duration firstDelay, Duration maxDelay) {
        public static Retry standard() {
            return new Retry(3, Duration.ofSeconds(1), Duration.ofSeconds(30));
        }
    }

    /** An HTTP answer, whatever its status. */
    public record Answer(int status, byte[] body, Map<String, List<String>> headers) {
        public Optional<String> header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .flatMap(e -> e.getValue().stream()).findFirst();
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** The "error" (or "message") of a Kraftwerk JSON answer, or the start of the body. */
        public String reason() {
            String t = text();
            for (String field : new String[] {"error", "message"}) {
                Matcher m = Pattern.compile("\"" + field
                        + "\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(t);
                if (m.find()) {
                    return m.group(1).replace("\\\"", "\"");
                }
            }
            return t.substring(0, Math.min(300, t.length())).strip();
        }
    }

    private final URI server;
    private final HttpClient http;
    private final Duration timeout;
    private final Retry retry;

    public MasterClient(URI server, SSLContext ssl, Duration timeout, Retry retry) {
        this.server = server;
        this.http = HttpClient.newBuilder().sslContext(ssl).connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
        this.timeout = timeout;
        this.retry = retry;
    }

    public URI server() {
        return server;
    }

    public Answer get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(server.resolve(path)).GET(), path);
    }

    public Answer send(String method, String path, String contentType, byte[] body, Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(server.resolve(path))
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body)).header("Content-Type", contentType);
        headers.forEach(builder::header);
        return send(builder, path);
    }

    private Answer send(HttpRequest.Builder builder, String path) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = send(builder, path, HttpResponse.BodyHandlers.ofByteArray(), r -> { });
        return new Answer(response.statusCode(), response.body(), response.headers().map());
    }

    /**
     * GET with the body as a stream, for files too large to hold in memory (artifacts). The caller
     * closes the body; on a status other than 200 it holds the master's error answer.
     */
    public HttpResponse<InputStream> stream(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(server.resolve(path)).GET(), path, HttpResponse.BodyHandlers.ofInputStream(), r -> {
            try {
                r.body().close();
            } catch (IOException e) {
                // an answer being retried: nothing is read from it
            }
        });
    }

    /** Sends with the retries; {@code discard} releases the body of an answer that is retried. */
    private <T> HttpResponse<T> send(HttpRequest.Builder builder, String path, HttpResponse.BodyHandler<T> handler,
                                     Consumer<HttpResponse<T>> discard) throws IOException, InterruptedException {
        HttpRequest request = builder.timeout(timeout).header("User-Agent", "kw-agent").build();
        Duration delay = retry.firstDelay();
        IOException last = null;
        for (int attempt = 1; attempt <= retry.attempts(); attempt++) {
            try {
                HttpResponse<T> response = http.send(request, handler);
                int status = response.statusCode();
                boolean transient_ = status == 429 || status == 502 || status == 503 || status == 504;
                if (!transient_ || attempt == retry.attempts()) {
                    return response;
                }
                discard.accept(response);
                delay = response.headers().firstValue("Retry-After").filter(v -> v.matches("[0-9]{1,4}"))
                        .map(v -> Duration.ofSeconds(Long.parseLong(v))).map(d -> min(d, retry.maxDelay())).orElse(delay);
            } catch (IOException e) {
                last = e;
                if (attempt == retry.attempts()) {
                    break;
                }
            }
            Thread.sleep(delay.toMillis());
            delay = min(delay.multipliedBy(2), retry.maxDelay());
        }
        throw new IOException("the master at " + server + " did not answer " + path + " after " + retry.attempts()
                + " attempts: " + describe(last), last);
    }

    static String describe(IOException e) {
        if (e == null) {
            return "no answer";
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return e instanceof HttpTimeoutException ? "timed out" : e.getClass().getSimpleName() + ": " + message;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
