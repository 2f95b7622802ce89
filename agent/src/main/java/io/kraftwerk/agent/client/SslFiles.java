package io.kraftwerk.agent.client;

import java.nio.file.Path;

/** The node's TLS identity under the state directory: {@code ssl/private_key.pem} (0600), {@code cert.pem}, {@code ca.pem}. */
public record SslFiles(Path dir) {
    public static SslFiles in(Path stateDir) {
        return new SslFiles(stateDir.resolve("ssl"));
    }

    public Path key() {
        return dir.resolve("private_key.pem");
    }

    public Path certificate() {
        return dir.resolve("cert.pem");
    }

    public Path ca() {
        return dir.resolve("ca.pem");
    }
}
