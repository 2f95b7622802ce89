package io.kraftwerk.master.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The KW1 envelope: what goes in comes out, and anything changed, misaddressed or malformed is refused. */
class EnvelopeTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final SecretsKey key = SecretsKey.generate(RANDOM);

    @Test
    void aValueComesBackExactlyAndNeverEncryptsTheSameTwice() throws Exception {
        String value = "-----BEGIN PRIVATE KEY-----\nMIIEv…\n-----END PRIVATE KEY-----\n  trailing spaces, ünïcödé ";
        String sealed = Envelope.encrypt(value, key, RANDOM);
        assertTrue(Envelope.PATTERN.matcher(sealed).matches(), sealed);
        assertTrue(sealed.startsWith("ENC[KW1," + key.id() + ","), sealed);
        assertEquals(value, Envelope.decrypt(sealed, key));
        assertNotEquals(sealed, Envelope.encrypt(value, key, RANDOM), "a fresh ephemeral key and nonce each time");
        assertEquals(key.id(), Envelope.keyId(sealed));
    }

    @Test
    void encryptingNeedsOnlyThePublicKeyAndDecryptingThePrivateOne() throws Exception {
        SecretsKey publicOnly = PublicKeyLine.parse(PublicKeyLine.of(key));
        String sealed = Envelope.encrypt("s3cret", publicOnly, RANDOM);
        assertEquals("s3cret", Envelope.decrypt(sealed, key));
        SecretsException refused = assertThrows(SecretsException.class, () -> Envelope.decrypt(sealed, publicOnly));
        assertTrue(refused.getMessage().contains("only a public key"), refused.getMessage());
    }

    @Test
    void everyFlippedByteOfThePayloadIsRefused() throws Exception {
        String sealed = Envelope.encrypt("s3cret", key, RANDOM);
        String head = sealed.substring(0, sealed.lastIndexOf(',') + 1);
        byte[] payload = Base64.getUrlDecoder().decode(sealed.substring(head.length(), sealed.length() - 1));
        for (int i = 0; i < payload.length; i++) {
            byte[] bad = payload.clone();
            bad[i] ^= 0x01;
            String tampered = head + Base64.getUrlEncoder().withoutPadding().encodeToString(bad) + "]";
            SecretsException e = assertThrows(SecretsException.class, () -> Envelope.decrypt(tampered, key), "byte " + i);
            assertTrue(e.getMessage().startsWith("the value does not authenticate with key " + key.id()), e.getMessage());
            assertTrue(!e.getMessage().contains("s3cret"));
        }
        String cut = head + Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(payload, 40)) + "]";
        assertTrue(assertThrows(SecretsException.class, () -> Envelope.decrypt(cut, key)).getMessage().contains("cut short"));
    }

    @Test
    void aValueForAnotherKeyNamesTheKeyItNeeds() throws Exception {
        SecretsKey other = SecretsKey.generate(RANDOM);
        String sealed = Envelope.encrypt("s3cret", other, RANDOM);
        SecretsException e = assertThrows(SecretsException.class, () -> Envelope.decrypt(sealed, key));
        assertEquals("the value is encrypted to key " + other.id() + ", not " + key.id(), e.getMessage());
        // the key id is bound into the seal: a value relabelled to this key's id does not open with it
        String relabelled = sealed.replace(other.id(), key.id());
        assertThrows(SecretsException.class, () -> Envelope.decrypt(relabelled, key));
    }

    @Test
    void aValueScopedToEnvironmentsCarriesThemAndCannotBeWidened() throws Exception {
        String sealed = Envelope.encrypt("prod-db-password", key, List.of("production", "dr"), RANDOM);
        assertTrue(sealed.startsWith("ENC[KW1," + key.id() + ",dr+production,"), sealed);
        assertEquals(List.of("dr", "production"), Envelope.environments(sealed));
        assertEquals("prod-db-password", Envelope.decrypt(sealed, key));
        assertEquals(List.of(), Envelope.environments(Envelope.encrypt("x", key, RANDOM)), "unscoped: every environment");
        // the scope is authenticated: edited off, widened or renamed, the value does not open
        String payload = sealed.substring(sealed.lastIndexOf(',') + 1);
        for (String edited : List.of("ENC[KW1," + key.id() + "," + payload, "ENC[KW1," + key.id() + ",dr+production+staging," + payload,
                "ENC[KW1," + key.id() + ",staging," + payload)) {
            SecretsException e = assertThrows(SecretsException.class, () -> Envelope.decrypt(edited, key), edited);
            assertTrue(e.getMessage().startsWith("the value does not authenticate"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Envelope.encrypt("x", key, List.of("no,commas"), RANDOM));
    }

    @Test
    void aPayloadIsReadOnlyInItsOneSpellingAndAHugeScopeIsAnErrorNotACrash() throws Exception {
        String sealed = Envelope.encrypt("s3cre", key, RANDOM); // 65 bytes of payload: its last character has 2 spare bits
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        char last = sealed.charAt(sealed.length() - 2);
        int spare = 0;
        for (char c : alphabet.toCharArray()) {
            String variant = sealed.substring(0, sealed.length() - 2) + c + "]";
            if (c != last && Arrays.equals(decoded(variant), decoded(sealed))) {
                spare++;
                SecretsException e = assertThrows(SecretsException.class, () -> Envelope.decrypt(variant, key), variant);
                assertTrue(e.getMessage().contains("not canonical"), e.getMessage());
            }
        }
        assertEquals(3, spare, "the three other spellings of the last character are each refused");
        String huge = "ENC[KW1," + key.id() + "," + "p+".repeat(50_000) + "p,AAAA]";
        assertThrows(SecretsException.class, () -> Envelope.checkForm(huge));
        String empty = "ENC[KW1," + key.id() + ",production++dr," + sealed.substring(sealed.lastIndexOf(',') + 1);
        assertTrue(assertThrows(SecretsException.class, () -> Envelope.environments(empty)).getMessage().contains("not environment names"));
    }

    private static byte[] decoded(String envelope) {
        return Base64.getUrlDecoder().decode(envelope.substring(envelope.lastIndexOf(',') + 1, envelope.length() - 1));
    }

    @Test
    void malformedValuesAndFormatsSayWhatTheyShouldBe() {
        for (String bad : new String[] {"ENC[KW1,abc,xyz]", "ENC[KW1," + key.id() + ",@@@]", "s3cret", "ENC[KW1," + key.id() + ",]"}) {
            SecretsException e = assertThrows(SecretsException.class, () -> Envelope.decrypt(bad, key), bad);
            assertTrue(e.getMessage().startsWith("not an encrypted value: it must read ENC[KW1,KEYID,PAYLOAD]"), e.getMessage());
        }
        SecretsException future = assertThrows(SecretsException.class, () -> Envelope.decrypt("ENC[KW2," + key.id() + ",AAAA]", key));
        assertTrue(future.getMessage().contains("format KW2"), future.getMessage());
    }

    @Test
    void aPublicKeyLineWhoseIdDoesNotMatchItsKeyIsRefused() throws Exception {
        String line = PublicKeyLine.of(key).replace(key.id(), "0123456789abcdef");
        SecretsException e = assertThrows(SecretsException.class, () -> PublicKeyLine.parse(line));
        assertEquals("the line names key 0123456789abcdef but holds key " + key.id(), e.getMessage());
    }
}
