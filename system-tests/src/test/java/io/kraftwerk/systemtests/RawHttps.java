package io.kraftwerk.systemtests;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * HTTP/1.1 over TLS with the request line sent byte for byte as given: no client library
 * normalizes, encodes or rejects the path, so the master sees exactly the spelling under test.
 * Keeps its connection alive between requests and reconnects when the server closes it.
 */
final class RawHttps implements AutoCloseable {
    private final SSLContext tls;
    private final String host;
    private final int port;
    private SSLSocket socket;
    private InputStream in;
    private int connections;

    /** An answer: status, headers (lower-case names) and body. */
    record Reply(int status, Map<String, String> headers, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    RawHttps(SSLContext tls, String host, int port) {
        this.tls = tls;
        this.host = host;
        this.port = port;
    }

    Reply send(String method, String rawPath, Map<String, String> headers, byte[] body) throws IOException {
        try {
            return attempt(method, rawPath, headers, body);
        } catch (IOException closedMeanwhile) {
            close();
            return attempt(method, rawPath, headers, body);
        }
    }

    private Reply attempt(String method, String rawPath, Map<String, String> headers, byte[] body) throws IOException {
        if (socket == null) {
            socket = (SSLSocket) tls.getSocketFactory().createSocket(host, port);
            socket.setSoTimeout(30_000);
            socket.setTcpNoDelay(true);
            in = new BufferedInputStream(socket.getInputStream());
            connections++;
        }
        StringBuilder head = new StringBuilder(method + " " + rawPath + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\n");
        headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        if (body != null && !headers.containsKey("Transfer-Encoding")) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (body != null) {
            request.write(body);
        }
        OutputStream out = socket.getOutputStream();
        out.write(request.toByteArray());
        out.flush();
        String status = line(in);
        if (status == null) {
            throw new IOException("the connection was closed");
        }
        Map<String, String> replyHeaders = new LinkedHashMap<>();
        for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
            int colon = h.indexOf(':');
            replyHeaders.put(h.substring(0, colon).strip().toLowerCase(Locale.ROOT), h.substring(colon + 1).strip());
        }
        byte[] content;
        if (method.equals("HEAD")) {
            content = new byte[0];
        } else if ("chunked".equalsIgnoreCase(replyHeaders.get("transfer-encoding"))) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (int size = Integer.parseInt(line(in).split(";")[0].strip(), 16); size > 0;
                    size = Integer.parseInt(line(in).split(";")[0].strip(), 16)) {
                all.write(in.readNBytes(size));
                line(in);
            }
            line(in);
            content = all.toByteArray();
        } else {
            content = in.readNBytes(Integer.parseInt(replyHeaders.getOrDefault("content-length", "0")));
        }
        if ("close".equalsIgnoreCase(replyHeaders.get("connection"))) {
            close();
        }
        return new Reply(Integer.parseInt(status.split(" ")[1]), replyHeaders, content);
    }

    /** How many connections were opened (each one a TLS handshake). */
    int connections() {
        return connections;
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder out = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                int end = out.length();
                return end > 0 && out.charAt(end - 1) == '\r' ? out.substring(0, end - 1) : out.toString();
            }
            out.append((char) c);
        }
        return out.length() == 0 ? null : out.toString();
    }

    @Override
    public void close() throws IOException {
        if (socket != null) {
            socket.close();
            socket = null;
        }
    }
}
