package io.kraftwerk.agent.provider;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One managed property of a resource as plain data: a name and a canonical text value. The kind
 * decides how the value may be shown: as is, as a digest (file content), or not at all (secrets).
 *
 * @param name  e.g. {@code mode}, {@code owner}, {@code content}, {@code ensure}
 * @param value the canonical value; null means the property is not managed
 * @param kind  how to show it
 */
public record Property(String name, String value, Kind kind) {

    public enum Kind {
        /** Shown as is: modes, owners, versions, states. */
        PLAIN,
        /** Long text (file content, service scripts): shown as a digest plus a unified diff. */
        CONTENT,
        /** Secret: never shown, only its digest is kept for drift detection. */
        SECRET
    }

    public static Property plain(String name, String value) {
        return new Property(name, value, Kind.PLAIN);
    }

    /** How a value of this kind may appear in output, reports and state. Null stays null (absent). */
    public static String display(String value, Kind kind) {
        if (value == null) {
            return null;
        }
        return switch (kind) {
            case PLAIN -> value;
            case CONTENT -> "sha256:" + digest(value).substring(0, 16);
            case SECRET -> "[sensitive]";
        };
    }

    /** What the state store keeps: the value for plain properties, a digest otherwise. */
    public static String fingerprint(String value, Kind kind) {
        if (value == null) {
            return null;
        }
        return kind == Kind.PLAIN ? value : "sha256:" + digest(value);
    }

    public static String digest(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
