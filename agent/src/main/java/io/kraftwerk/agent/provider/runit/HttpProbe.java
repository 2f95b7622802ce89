package io.kraftwerk.agent.provider.runit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Asks an app for a URL path over its bind address — a unix socket or host:port — and waits, up
 * to a deadline, for a 2xx or 3xx answer. HTTP/1.0 so the answer ends with the connection.
 */
public final class HttpProbe implements ServiceSpec.HealthCheck {
    private final String bind;
    private final String path;
    private final Duration timeout;

    public HttpProbe(String bind, String path, Duration timeout) {
        this.bind = bind;
        this.path = path;
        this.timeout = timeout;
    }

    @Override
    public String check() throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            try {
                int status = status();
                if (status >= 200 && status < 400) {
                    return null;
                }
                last = "GET " + path + " answered " + status;
            } catch (IOException e) {
                last = "GET " + path + " via " + bind + ": " + e.getMessage();
            }
            Thread.sleep(200);
        }
        return last + " (waited " + timeout.toSeconds() + " s)";
    }

    int status() throws IOException {
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
        try (channel) {
            channel.connect(address);
            channel.write(ByteBuffer.wrap(("GET " + path + " HTTP/1.0\r\nHost: localhost\r\nUser-Agent: kw-agent\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer buffer = ByteBuffer.allocate(256);
            while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                String head = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII);
                if (head.indexOf('\n') > 0) {
                    break;
                }
            }
            String line = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII);
            String[] parts = line.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
                throw new IOException("not an HTTP answer: " + line.lines().findFirst().orElse(""));
            }
            return Integer.parseInt(parts[1].strip());
        }
    }
}
