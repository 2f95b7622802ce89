package io.kraftwerk.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * One simulated agent's kept-alive HTTPS/1.1 connection, blocking, on the calling thread. The
 * JDK's HttpClient spends about as much CPU per request as the master does on a cached answer;
 * on a 2-core machine shared with the server under test that would measure the load generator.
 * This client does only what the benchmark needs: Content-Length and chunked bodies, reconnect
 * when the server closed the connection, server certificate and host name checked.
 */
final class AgentConnection implements AutoCloseable {
    /** A request to send. */
    record Request(String method, String path, Map<String, String> headers, byte[] body) {
    }

    /** The status and body of an answer. */
    record Response(int status, byte[] body, Map<String, String> headers) {
    }

    private final SSLContext tls;
    private final String host;
    private final int port;
    private SSLSocket socket;
    private InputStream in;
    private OutputStream out;

    AgentConnection(SSLContext tls, String host, int port) {
        this.tls = tls;
        this.host = host;
        this.port = port;
    }

    Response exchange(Request request) throws IOException {
        boolean fresh = socket == null;
        if (fresh) {
            connect();
        }
        try {
            return send(request);
        } catch (IOException e) {
            close();
            if (fresh) {
                throw e;
            }
            connect(); // the server closed an idle kept-alive connection: once more, on a new one
            return send(request);
        }
    }

    private void connect() throws IOException {
        SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket();
        s.connect(new InetSocketAddress(host, port), 30_000);
        SSLParameters parameters = s.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        if (!Character.isDigit(host.charAt(0))) {
            parameters.setServerNames(List.of(new SNIHostName(host)));
        }
        s.setSSLParameters(parameters);
        s.setSoTimeout(300_000);
        s.setTcpNoDelay(true);
        s.startHandshake();
        socket = s;
        in = new BufferedInputStream(s.getInputStream(), 65536);
        out = new BufferedOutputStream(s.getOutputStream(), 65536);
    }

    private Response send(Request request) throws IOException {
        StringBuilder head = new StringBuilder(256).append(request.method()).append(' ').append(request.path())
                .append(" HTTP/1.1\r\nHost: ").append(host).append(':').append(port).append("\r\n");
        request.headers().forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        head.append("Content-Length: ").append(request.body().length).append("\r\n\r\n");
        out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
        out.write(request.body());
        out.flush();
        String status = line();
        if (status == null) {
            throw new IOException("the connection closed before an answer");
        }
        int code = Integer.parseInt(status.substring(9, 12));
        Map<String, String> headers = new HashMap<>();
        for (String line = line(); line != null && !line.isEmpty(); line = line()) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        byte[] body;
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            ByteArrayOutputStream chunks = new ByteArrayOutputStream();
            for (int size = Integer.parseInt(line().split(";")[0].trim(), 16); size > 0;
                 size = Integer.parseInt(line().split(";")[0].trim(), 16)) {
                chunks.write(in.readNBytes(size));
                line();
            }
            for (String trailer = line(); trailer != null && !trailer.isEmpty(); trailer = line()) {
                // no trailers expected; read past them
            }
            body = chunks.toByteArray();
        } else {
            int length = code == 304 || code == 204 ? 0 : Integer.parseInt(headers.getOrDefault("content-length", "0"));
            body = in.readNBytes(length);
            if (body.length != length) {
                throw new IOException("the connection closed in the middle of the body");
            }
        }
        if ("close".equalsIgnoreCase(headers.get("connection"))) {
            close();
        }
        return new Response(code, body, headers);
    }

    private String line() throws IOException {
        StringBuilder s = new StringBuilder(64);
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                int len = s.length();
                return len > 0 && s.charAt(len - 1) == '\r' ? s.substring(0, len - 1) : s.toString();
            }
            s.append((char) b);
        }
        return s.length() == 0 ? null : s.toString();
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        socket = null;
    }
}
