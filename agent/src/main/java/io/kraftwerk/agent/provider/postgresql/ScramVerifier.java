package io.kraftwerk.agent.provider.postgresql;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The SCRAM-SHA-256 verifier PostgreSQL keeps for a password in {@code pg_authid.rolpassword}:
 * {@code SCRAM-SHA-256$ITERATIONS:SALT$STOREDKEY:SERVERKEY} (RFC 5802 and 7677, all in base64).
 * The agent makes the verifier itself and hands the server only that, so the password never
 * reaches the server or its logs; and it checks a stored verifier by deriving the keys again with
 * the verifier's own salt and iteration count. Composed of the JDK's PBKDF2, HMAC and SHA-256.
 *
 * <p>Only ASCII passwords: the server and the clients prepare a password with SASLprep (RFC 4013)
 * before hashing, which leaves ASCII as it is but maps, normalizes and may reject other characters
 * by the tables of RFC 3454. The JDK has NFKC but not those tables; a verifier made from a password
 * prepared differently would be stored without complaint and then refuse every login, so such a
 * password is refused outright ({@link #isSupported}) rather than half supported.
 */
final class ScramVerifier {
    /** What PostgreSQL itself uses (its scram_iterations default). */
    static final int ITERATIONS = 4096;
    static final int SALT_BYTES = 16;
    /**
     * A stored verifier asking for more is not derived again but taken as another password: the role
     * itself may store any verifier (ALTER ROLE … PASSWORD), and one of 2^31 iterations would hold
     * every run for hours. Replacing it costs nothing: the catalog's password gets the usual count.
     */
    static final int MAX_ITERATIONS = 1_000_000;
    private static final Pattern FORMAT = Pattern.compile(
            "SCRAM-SHA-256\\$([0-9]{1,10}):([A-Za-z0-9+/=]+)\\$([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)");

    private ScramVerifier() {
    }

    /** Whether the agent can make and check a verifier for {@code password}: ASCII only (see the class). */
    static boolean isSupported(String password) {
        return password.chars().allMatch(c -> c < 0x80);
    }

    /** A new verifier: a random salt, {@link #ITERATIONS} rounds. */
    static String create(String password, SecureRandom random) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        return create(password, salt, ITERATIONS);
    }

    static String create(String password, byte[] salt, int iterations) {
        Keys keys = Keys.derive(password, salt, iterations);
        Base64.Encoder b64 = Base64.getEncoder();
        return "SCRAM-SHA-256$" + iterations + ":" + b64.encodeToString(salt) + "$" + b64.encodeToString(keys.stored())
                + ":" + b64.encodeToString(keys.server());
    }

    /**
     * Whether {@code stored} is a SCRAM-SHA-256 verifier of {@code password}. An MD5 hash, a plain
     * password, a damaged verifier or one of too many iterations is not: it gets replaced.
     */
    static boolean matches(String stored, String password) {
        Matcher m = FORMAT.matcher(stored == null ? "" : stored);
        if (!m.matches() || !isSupported(password)) {
            return false;
        }
        long iterations = Long.parseLong(m.group(1));
        if (iterations < 1 || iterations > MAX_ITERATIONS) {
            return false;
        }
        try {
            Base64.Decoder b64 = Base64.getDecoder();
            byte[] salt = b64.decode(m.group(2));
            Keys keys = Keys.derive(password, salt, (int) iterations);
            return MessageDigest.isEqual(keys.stored(), b64.decode(m.group(3)))
                    && MessageDigest.isEqual(keys.server(), b64.decode(m.group(4)));
        } catch (IllegalArgumentException e) {
            return false; // not base64 after all, or an empty salt
        }
    }

    /** StoredKey = SHA-256(HMAC(SaltedPassword, "Client Key")), ServerKey = HMAC(SaltedPassword, "Server Key"). */
    private record Keys(byte[] stored, byte[] server) {
        static Keys derive(String password, byte[] salt, int iterations) {
            try {
                // PBKDF2-HMAC-SHA-256 with a 32-byte output is RFC 5802's Hi(); the JDK takes the password as UTF-8
                PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, 256);
                byte[] salted = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
                spec.clearPassword();
                Mac hmac = Mac.getInstance("HmacSHA256");
                hmac.init(new SecretKeySpec(salted, "HmacSHA256"));
                byte[] client = hmac.doFinal("Client Key".getBytes(StandardCharsets.US_ASCII));
                byte[] server = hmac.doFinal("Server Key".getBytes(StandardCharsets.US_ASCII));
                return new Keys(MessageDigest.getInstance("SHA-256").digest(client), server);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("PBKDF2WithHmacSHA256, HmacSHA256 or SHA-256 is missing from this JVM", e);
            }
        }
    }
}
