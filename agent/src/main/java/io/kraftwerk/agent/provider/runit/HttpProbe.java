package io.kraftwerk.agent.provider.runit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Asks an app for a URL path over its bind address — a unix socket or host:port — and waits, up
 * to a deadline, for the answer it expects: a given status, or any 2xx or 3xx; and, if asked, a
 * text in the first {@value #READ} bytes of the answer. HTTP/1.0 so the answer ends with the
 * connection. When it never comes, the last answer is the reason, with the first lines of its body.
 */
public final class HttpProbe implements ServiceSpec.HealthCheck {
    private final String bind;
    private final String path;
    private final Duration timeout;
    private final Integer status;
    private final String body;
    private final boolean anyAnswer;

    public HttpProbe(String bind, String path, Duration timeout) {
        this(bind, path, timeout, null, null);
    }

    /** An app without a health check: it is up when {@code /} gets any answer but a server error. */
    public static HttpProbe answering(String bind, Duration timeout) {
        return new HttpProbe(bind, "/", timeout, null, null, true);
    }

    /**
     * @param status the status to expect; null for any 2xx or 3xx
     * @param body   a text the answer must contain; null for any
     */
    public HttpProbe(String bind, String path, Duration timeout, Integer status, String body) {
        this(bind, path, timeout, status, body, false);
    }

    private HttpProbe(String bind, String path, Duration timeout, Integer status, String body, boolean anyAnswer) {
        this.anyAnswer = anyAnswer;
        this.bind = bind;
        this.path = path;
        this.timeout = timeout;
        this.status = status;
        this.body = body;
    }

    @Override
    public String check() throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            try {
                Answer answer = ask(deadline);
                boolean statusOk = anyAnswer ? answer.status() < 500
                        : status == null ? answer.status() >= 200 && answer.status() < 400 : answer.status() == status;
                if (statusOk && (body == null || answer.text().contains(body))) {
                    return null;
                }
                last = "GET " + path + " answered " + answer.status()
                        + (statusOk ? " without '" + body + "' in its body" : status == null ? "" : " (expected " + status + ")")
                        + (answer.body().isBlank() ? "" : ":\n" + answer.body());
            } catch (IOException e) {
                last = "GET " + path + " via " + bind + ": " + e.getMessage();
            }
            Thread.sleep(100);
        }
        return last + " (waited " + timeout.toSeconds() + " s)";
    }

    private static void await(SocketChannel channel, Selector selector, int operation, long deadline) throws IOException {
        long millis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        SelectionKey key = channel.register(selector, operation);
        if (millis <= 0 || selector.select(millis) == 0) {
            throw new IOException("no answer in time");
        }
        selector.selectedKeys().clear();
        key.cancel();
        selector.selectNow();
    }

    /**
     * An answer: its status, the first lines of its body (what an app says about why it is not
     * healthy is usually there), each cut to a readable length, and the body as read.
     */
    record Answer(int status, String body, String text) {
    }

    /** Reads at most this much of an answer: a status line, headers and the start of the body. */
    private static final int READ = 4096;
    private static final int BODY_LINES = 5;
    private static final int LINE = 200;

    /**
     * One request, bounded by {@code deadline} (System.nanoTime()): an app that accepts and never
     * answers, or a full listen queue, must not hold the run past the health check's timeout.
     */
    Answer ask(long deadline) throws IOException {
        SocketAddress address;
        SocketChannel channel;
        if (bind.startsWith("unix:")) {
            address = UnixDomainSocketAddress.of(bind.substring("unix:".length()));
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        } else {
            int colon = bind.lastIndexOf(':');
            String host = bind.substring(0, colon).replace("[", "").replace("]", "");
            address = new InetSocketAddress(host.equals("0.0.0.0") ? "127.0.0.1" : host, Integer.parseInt(bind.substring(colon + 1)));
            channel = SocketChannel.open();
        }
        try (channel; Selector selector = Selector.open()) {
            channel.configureBlocking(false);
            if (!channel.connect(address)) {
                await(channel, selector, SelectionKey.OP_CONNECT, deadline);
                channel.finishConnect();
            }
            ByteBuffer request = ByteBuffer.wrap(("GET " + path + " HTTP/1.0\r\nHost: localhost\r\nUser-Agent: kw-agent\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            while (request.hasRemaining()) {
                if (channel.write(request) == 0) {
                    await(channel, selector, SelectionKey.OP_WRITE, deadline);
                }
            }
            ByteBuffer buffer = ByteBuffer.allocate(READ);
            // HTTP/1.0: the app closes the connection after its answer; READ bytes are enough to judge it
            for (int n = channel.read(buffer); buffer.hasRemaining() && n >= 0; n = channel.read(buffer)) {
                if (n == 0) {
                    await(channel, selector, SelectionKey.OP_READ, deadline);
                }
            }
            String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
            String[] parts = text.lines().findFirst().orElse("").split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/") || !parts[1].strip().matches("[0-9]{3}")) {
                throw new IOException("not an HTTP answer: " + text.lines().findFirst().orElse(""));
            }
            int bodyStart = text.indexOf("\r\n\r\n");
            String body = bodyStart < 0 ? "" : text.substring(bodyStart + 4).lines().filter(l -> !l.isBlank()).limit(BODY_LINES)
                    .map(l -> l.length() > LINE ? l.substring(0, LINE) + "…" : l).map(l -> "  " + l)
                    .reduce((a, b) -> a + "\n" + b).orElse("");
            return new Answer(Integer.parseInt(parts[1].strip()), body, bodyStart < 0 ? "" : text.substring(bodyStart + 4));
        }
    }
}
