package io.kraftwerk.agent.provider.release;

import io.kraftwerk.model.resource.ArtifactRef;
import io.kraftwerk.model.resource.WsgiReleaseResource;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A release's id: the first 12 hex digits of a SHA-256 over everything that makes its code run,
 * each field named and length-prefixed so no two different releases can write the same text.
 * What only decides whether it is switched to (health check, how many are kept) is left out: a
 * changed health check does not rebuild the app. Sensitive env values enter through an HMAC with
 * the node's {@link ReleaseKey}, so an app without secrets has the same id on every node.
 */
final class ReleaseId {
    static final int LENGTH = 12;

    private ReleaseId() {
    }

    static String of(WsgiReleaseResource r, ReleaseKey key) {
        StringBuilder s = new StringBuilder("kraftwerk-release-v1\n");
        field(s, "python", r.python());
        field(s, "system_site_packages", String.valueOf(r.systemSitePackages()));
        field(s, "requirements", String.join("\n", r.requirements()));
        field(s, "index_url", r.indexUrl());
        field(s, "find_links", String.join("\n", r.findLinks()));
        for (ArtifactRef a : r.artifacts()) {
            field(s, "artifact", a.filename() + " " + a.sha256());
        }
        field(s, "module", r.module());
        field(s, "workers", String.valueOf(r.workers()));
        field(s, "timeout", String.valueOf(r.timeout()));
        field(s, "user", r.user());
        field(s, "group", r.group());
        for (Map.Entry<String, String> e : r.env().entrySet()) {
            boolean secret = r.sensitiveEnv().contains(e.getKey());
            field(s, (secret ? "secret_env " : "env ") + e.getKey(), secret ? hmac(key.get(), e.getKey() + "=" + e.getValue()) : e.getValue());
        }
        for (Map.Entry<String, List<String>> p : r.processes().entrySet()) {
            StringBuilder argv = new StringBuilder();
            p.getValue().forEach(arg -> field(argv, "arg", arg));
            field(s, "process " + p.getKey(), argv.toString());
        }
        return sha256(s.toString()).substring(0, LENGTH);
    }

    private static void field(StringBuilder s, String name, String value) {
        s.append(name).append(' ');
        if (value == null) {
            s.append("-\n");
        } else {
            s.append(value.length()).append(':').append(value).append('\n');
        }
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static String hmac(byte[] key, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }
}
