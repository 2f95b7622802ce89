package io.kraftwerk.agent.provider.postgresql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * Verifiers against fixed vectors that PostgreSQL 15.18 made itself ({@code ALTER ROLE … PASSWORD
 * 'plain'} in a scratch cluster, then {@code SELECT rolpassword FROM pg_authid}).
 */
class ScramVerifierTest {
    private static final String HORSE = "correct horse battery staple";
    private static final String HORSE_VERIFIER = "SCRAM-SHA-256$4096:srkZJBj2i0xo2gvmJt6wpQ==$9GpgQpYYqeugKNcocJxUHDGmxYgSaHR5LnDatZ6+hCs="
            + ":iogUk+nU022C29CXAWTAgxb6nRw9YFQVpwQBqOzb2DY=";
    /** Quotes, a bar, a colon and a dollar: nothing in the password is special to the verifier. */
    private static final String PUNCTUATION = "p@ss'w\"o|rd:$x";
    private static final String PUNCTUATION_VERIFIER = "SCRAM-SHA-256$4096:ducIz2wvP4p+hiNzu/6B9Q=="
            + "$YQ6MqHHf/+UwcMDZFmbt02Ix3iW6qHFOn2N2KbR/QTs=:JfLDft2x6zy/Hdeyew+NQ5IihBthtQFQWmM1yfyCils=";
    /** A tab: SASLprep would refuse a control character, but the server leaves ASCII as it is. */
    private static final String TAB = "tab\there";
    private static final String TAB_VERIFIER = "SCRAM-SHA-256$4096:ADlEvbjx1uIuNeSJgT397w==$goL8ef9EYUxICW73Ngsw2oYUhz6S5U7VcQ6yMr7kIPc="
            + ":iAKZzBfZJRSB221brqUTfU9QSgwWti/y1ln65VCvB6w=";
    /** The server's verifier of "secret" for role "old" when password_encryption was md5. */
    private static final String MD5 = "md57cb133e596658708079ed4cfaaf64462";

    @Test
    void matchesWhatTheServerStoredForThePasswordAndNothingElse() {
        assertTrue(ScramVerifier.matches(HORSE_VERIFIER, HORSE));
        assertTrue(ScramVerifier.matches(PUNCTUATION_VERIFIER, PUNCTUATION));
        assertTrue(ScramVerifier.matches(TAB_VERIFIER, TAB));
        assertFalse(ScramVerifier.matches(HORSE_VERIFIER, "correct horse battery stapl"));
        assertFalse(ScramVerifier.matches(HORSE_VERIFIER, PUNCTUATION));
        assertFalse(ScramVerifier.matches(TAB_VERIFIER, "tab here"));
    }

    @Test
    void makesTheServersOwnVerifierFromTheSameSalt() {
        assertEquals(HORSE_VERIFIER, ScramVerifier.create(HORSE, salt(HORSE_VERIFIER), 4096));
        assertEquals(PUNCTUATION_VERIFIER, ScramVerifier.create(PUNCTUATION, salt(PUNCTUATION_VERIFIER), 4096));
    }

    @Test
    void aNewVerifierHasARandomSaltOfSixteenBytesAndTheServersIterationCount() {
        SecureRandom random = new SecureRandom();
        String first = ScramVerifier.create(HORSE, random);
        String second = ScramVerifier.create(HORSE, random);
        assertTrue(first.startsWith("SCRAM-SHA-256$4096:"), first);
        assertEquals(16, salt(first).length);
        assertFalse(first.equals(second), "a new salt each time");
        assertTrue(ScramVerifier.matches(first, HORSE));
        assertTrue(ScramVerifier.matches(second, HORSE));
    }

    @Test
    void anMd5HashAPlainPasswordOrADamagedVerifierIsAnotherPassword() {
        assertFalse(ScramVerifier.matches(MD5, "secret"));
        assertFalse(ScramVerifier.matches("secret", "secret"), "a password stored as it is (servers before 10)");
        assertFalse(ScramVerifier.matches(null, HORSE));
        assertFalse(ScramVerifier.matches(HORSE_VERIFIER.replace("4096:", "4097:"), HORSE));
        assertFalse(ScramVerifier.matches(HORSE_VERIFIER.replace("srkZ", "s!kZ"), HORSE));
        assertFalse(ScramVerifier.matches("SCRAM-SHA-256$4096:=$AAAA:AAAA", HORSE), "an empty salt");
        assertFalse(ScramVerifier.matches("SCRAM-SHA-256$4096:A$AAAA:AAAA", HORSE), "not base64");
    }

    @Test
    void aVerifierOfTooManyIterationsIsAnotherPasswordAndTakesNoTime() {
        // the role itself may store any verifier: one of 2^31 - 1 rounds must not hold the run
        String huge = HORSE_VERIFIER.replace("$4096:", "$2147483647:");
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertFalse(ScramVerifier.matches(huge, HORSE)));
        assertFalse(ScramVerifier.matches(HORSE_VERIFIER.replace("$4096:", "$0:"), HORSE));
    }

    @Test
    void onlyAsciiPasswordsAreSupported() {
        assertTrue(ScramVerifier.isSupported(PUNCTUATION));
        assertTrue(ScramVerifier.isSupported(TAB));
        assertFalse(ScramVerifier.isSupported("pässwörd"));
        assertFalse(ScramVerifier.isSupported("zero\u200Bwidth"), "SASLprep would map this character to nothing");
        assertFalse(ScramVerifier.matches(ScramVerifier.create("pässwörd", new SecureRandom()), "pässwörd"));
    }

    private static byte[] salt(String verifier) {
        return Base64.getDecoder().decode(verifier.split("[:$]")[2]);
    }
}
