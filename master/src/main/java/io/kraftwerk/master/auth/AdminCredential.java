package io.kraftwerk.master.auth;

import io.kraftwerk.master.settings.MasterConfig;
import io.kraftwerk.master.settings.MasterPaths;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The admin token as the running master checks it: read once at start (a missing or weak token
 * stops the start), compared by SHA-256 digest in constant time, so neither its content nor its
 * length shows in how long a wrong guess takes.
 */
@ApplicationScoped
@Startup
public class AdminCredential {
    @Inject
    MasterConfig config;

    private byte[] digest;

    @PostConstruct
    void load() throws IOException, AdminToken.Unusable {
        digest = sha256(AdminToken.read(new MasterPaths(config.dataDir()).adminToken()));
    }

    public boolean matches(String presented) {
        return presented != null && MessageDigest.isEqual(digest, sha256(presented.strip()));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
