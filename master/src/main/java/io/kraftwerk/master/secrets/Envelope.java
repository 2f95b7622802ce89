package io.kraftwerk.master.secrets;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.agreement.X25519Agreement;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.X25519PublicKeyParameters;

/**
 * An encrypted value as written in manifests and data: {@code ENC[KW1,KEYID,PAYLOAD]}. Version 1 is
 * an ECIES-style sealed box from BouncyCastle's primitives, nothing of our own: an ephemeral X25519
 * key agrees a secret with the master's key, HKDF-SHA256 (salted with both public keys, bound to
 * the version and key id) makes a ChaCha20-Poly1305 key, and the value is sealed with a random
 * nonce and the header as associated data. PAYLOAD is base64url (no padding) of
 * {@code ephemeral public key (32) || nonce (12) || ciphertext and tag}. Any changed byte — in the
 * payload, the key id or the version — fails the tag: the value is refused, never half-read.
 *
 * <p>A value may be scoped to environments: {@code ENC[KW1,KEYID,production+dr,PAYLOAD]} opens
 * only in catalogs of those environments. The scope is part of the associated data, so it cannot be
 * edited off or widened: whoever may push to the staging branch cannot have a production value
 * decrypted into a staging node by copying it there.
 */
public final class Envelope {
    public static final String VERSION = "KW1";
    /** An encrypted value, where one stands alone as a YAML string. */
    public static final Pattern PATTERN = Pattern.compile(
            "ENC\\[(KW[0-9]+),([0-9a-f]{16}),(?:([A-Za-z0-9][A-Za-z0-9_.+-]*),)?([A-Za-z0-9_-]+)]");
    /** An environment name, as site.yaml and the branches allow them. */
    private static final Pattern ENVIRONMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
    private static final int NONCE = 12;
    private static final int TAG_BITS = 128;
    private static final int KEY = 32;

    private Envelope() {
    }

    /** Seals a value to a key (its public half is enough), for every environment. */
    public static String encrypt(String value, SecretsKey to, SecureRandom random) {
        return encrypt(value, to, List.of(), random);
    }

    /**
     * Seals a value to a key, to be opened only in catalogs of the given environments (none: any).
     *
     * @throws IllegalArgumentException for a name that is not an environment name
     */
    public static String encrypt(String value, SecretsKey to, List<String> environments, SecureRandom random) {
        for (String environment : environments) {
            if (!ENVIRONMENT.matcher(environment).matches()) {
                throw new IllegalArgumentException("'" + environment + "' is not an environment name (letters, digits, _ . -)");
            }
        }
        String scope = String.join("+", new TreeSet<>(environments));
        X25519PrivateKeyParameters ephemeral = new X25519PrivateKeyParameters(random);
        byte[] ephemeralPublic = ephemeral.generatePublicKey().getEncoded();
        byte[] nonce = new byte[NONCE];
        random.nextBytes(nonce);
        ChaCha20Poly1305 aead = aead(true, agree(ephemeral, to.publicKey()), ephemeralPublic, to, scope, nonce);
        byte[] plain = value.getBytes(StandardCharsets.UTF_8);
        byte[] sealed = new byte[aead.getOutputSize(plain.length)];
        int n = aead.processBytes(plain, 0, plain.length, sealed, 0);
        try {
            aead.doFinal(sealed, n);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 failed to seal (this is a Kraftwerk bug, please report it)", e);
        }
        byte[] payload = new byte[ephemeralPublic.length + NONCE + sealed.length];
        System.arraycopy(ephemeralPublic, 0, payload, 0, ephemeralPublic.length);
        System.arraycopy(nonce, 0, payload, ephemeralPublic.length, NONCE);
        System.arraycopy(sealed, 0, payload, ephemeralPublic.length + NONCE, sealed.length);
        return "ENC[" + VERSION + "," + to.id() + "," + (scope.isEmpty() ? "" : scope + ",")
                + Base64.getUrlEncoder().withoutPadding().encodeToString(payload) + "]";
    }

    /** The environments a value opens in; empty: any. Checks the form only. */
    public static List<String> environments(String envelope) throws SecretsException {
        String scope = parse(envelope).group(3);
        return scope == null ? List.of() : List.of(scope.split("\\+"));
    }

    /** The scope's names, each an environment name (the pattern only bounds the characters: no nested repetition to recurse on). */
    private static void checkScope(String scope) throws SecretsException {
        if (scope == null) {
            return;
        }
        for (String environment : scope.split("\\+", -1)) {
            if (!ENVIRONMENT.matcher(environment).matches()) {
                throw new SecretsException("the value's environments '" + scope + "' are not environment names joined by '+'");
            }
        }
    }

    /** The key id an encrypted value names, checking its form only (lint needs no private key). */
    public static String keyId(String envelope) throws SecretsException {
        return parse(envelope).group(2);
    }

    /**
     * Checks all that can be checked without the private key — the form, the version, a payload of
     * base64url long enough for a key, a nonce and a tag — and returns the key id it names.
     */
    public static String checkForm(String envelope) throws SecretsException {
        Matcher m = parse(envelope);
        payload(m);
        return m.group(2);
    }

    /** Opens a value with the private key it names. */
    public static String decrypt(String envelope, SecretsKey with) throws SecretsException {
        Matcher m = parse(envelope);
        if (!m.group(2).equals(with.id())) {
            throw new SecretsException("the value is encrypted to key " + m.group(2) + ", not " + with.id());
        }
        if (!with.canDecrypt()) {
            throw new SecretsException("key " + with.id() + " is only a public key here: decrypting needs the master's private key");
        }
        byte[] payload = payload(m);
        byte[] ephemeralPublic = Arrays.copyOfRange(payload, 0, KEY);
        byte[] nonce = Arrays.copyOfRange(payload, KEY, KEY + NONCE);
        byte[] shared;
        try {
            shared = agree(with.privateKey(), new X25519PublicKeyParameters(ephemeralPublic, 0));
        } catch (IllegalStateException e) {
            // a low-order point gives no secret: BouncyCastle refuses it, and so does the value
            throw new SecretsException("the value does not authenticate with key " + with.id() + ": its ephemeral key is not usable");
        }
        ChaCha20Poly1305 aead = aead(false, shared, ephemeralPublic, with, m.group(3) == null ? "" : m.group(3), nonce);
        byte[] plain = new byte[aead.getOutputSize(payload.length - KEY - NONCE)];
        int n = aead.processBytes(payload, KEY + NONCE, payload.length - KEY - NONCE, plain, 0);
        try {
            n += aead.doFinal(plain, n);
        } catch (InvalidCipherTextException e) {
            throw new SecretsException("the value does not authenticate with key " + with.id()
                    + ": it was changed, or sealed to another key with the same id");
        }
        return new String(plain, 0, n, StandardCharsets.UTF_8);
    }

    private static byte[] payload(Matcher m) throws SecretsException {
        byte[] payload;
        try {
            payload = Base64.getUrlDecoder().decode(m.group(4));
        } catch (IllegalArgumentException e) {
            throw new SecretsException("the value's payload is not base64url");
        }
        if (payload.length < KEY + NONCE + TAG_BITS / 8) {
            throw new SecretsException("the value's payload is cut short (" + payload.length + " bytes)");
        }
        if (!Base64.getUrlEncoder().withoutPadding().encodeToString(payload).equals(m.group(4))) {
            // the decoder ignores the unused bits of the last character: refuse what it would read the same
            throw new SecretsException("the value's payload is not canonical base64url");
        }
        return payload;
    }

    private static Matcher parse(String envelope) throws SecretsException {
        Matcher m = PATTERN.matcher(envelope);
        if (!m.matches()) {
            throw new SecretsException("not an encrypted value: it must read ENC[" + VERSION + ",KEYID,PAYLOAD] (or"
                    + " ENC[" + VERSION + ",KEYID,ENVIRONMENTS,PAYLOAD])"
                    + " as 'kw-master secrets encrypt' writes it");
        }
        if (!m.group(1).equals(VERSION)) {
            throw new SecretsException("encrypted with format " + m.group(1) + ", which this master does not know (it reads "
                    + VERSION + ")");
        }
        checkScope(m.group(3));
        return m;
    }

    private static byte[] agree(X25519PrivateKeyParameters mine, X25519PublicKeyParameters theirs) {
        X25519Agreement agreement = new X25519Agreement();
        agreement.init(mine);
        byte[] shared = new byte[agreement.getAgreementSize()];
        agreement.calculateAgreement(theirs, shared, 0);
        return shared;
    }

    private static ChaCha20Poly1305 aead(boolean encrypt, byte[] shared, byte[] ephemeralPublic, SecretsKey recipient, String scope,
                                         byte[] nonce) {
        // the header as written, the scope included: a value's environments are authenticated with it
        byte[] header = (VERSION + "," + recipient.id() + (scope.isEmpty() ? "" : "," + scope)).getBytes(StandardCharsets.US_ASCII);
        byte[] salt = new byte[KEY * 2];
        System.arraycopy(ephemeralPublic, 0, salt, 0, KEY);
        System.arraycopy(recipient.publicBytes(), 0, salt, KEY, KEY);
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(shared, salt, ("kraftwerk secrets " + VERSION + " " + recipient.id())
                .getBytes(StandardCharsets.US_ASCII)));
        byte[] key = new byte[KEY];
        hkdf.generateBytes(key, 0, KEY);
        ChaCha20Poly1305 aead = new ChaCha20Poly1305();
        aead.init(encrypt, new AEADParameters(new KeyParameter(key), TAG_BITS, nonce, header));
        return aead;
    }
}
