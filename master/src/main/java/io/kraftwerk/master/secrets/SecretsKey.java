package io.kraftwerk.master.secrets;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.X25519PublicKeyParameters;

/**
 * One key pair of the master's secrets (X25519): values are encrypted to its public key, which
 * anyone may hold (CI, an operator's laptop), and decrypted only by the master with its private
 * key. Its id — the first 8 bytes of the public key's SHA-256, in hex — is written into every
 * value, so a value names the key it needs and keys can be rotated.
 */
public final class SecretsKey {
    private final X25519PublicKeyParameters publicKey;
    private final X25519PrivateKeyParameters privateKey;
    private final String id;

    private SecretsKey(X25519PublicKeyParameters publicKey, X25519PrivateKeyParameters privateKey) {
        this.publicKey = publicKey;
        this.privateKey = privateKey;
        this.id = idOf(publicKey.getEncoded());
    }

    /** A new key pair. */
    public static SecretsKey generate(SecureRandom random) {
        X25519PrivateKeyParameters priv = new X25519PrivateKeyParameters(random);
        return new SecretsKey(priv.generatePublicKey(), priv);
    }

    /** The full pair, from its 32-byte private key. */
    public static SecretsKey ofPrivate(byte[] privateKey) throws SecretsException {
        if (privateKey.length != X25519PrivateKeyParameters.KEY_SIZE) {
            throw new SecretsException("a secrets private key is " + X25519PrivateKeyParameters.KEY_SIZE + " bytes, not "
                    + privateKey.length);
        }
        X25519PrivateKeyParameters priv = new X25519PrivateKeyParameters(privateKey, 0);
        return new SecretsKey(priv.generatePublicKey(), priv);
    }

    /** The public half only: enough to encrypt. */
    public static SecretsKey ofPublic(byte[] publicKey) throws SecretsException {
        if (publicKey.length != X25519PublicKeyParameters.KEY_SIZE) {
            throw new SecretsException("a secrets public key is " + X25519PublicKeyParameters.KEY_SIZE + " bytes, not "
                    + publicKey.length);
        }
        return new SecretsKey(new X25519PublicKeyParameters(publicKey, 0), null);
    }

    public String id() {
        return id;
    }

    public byte[] publicBytes() {
        return publicKey.getEncoded();
    }

    /** The private key's bytes, for the key file alone (0600). */
    public byte[] privateBytes() {
        if (privateKey == null) {
            throw new IllegalStateException("the public half of key " + id + " has no private key");
        }
        return privateKey.getEncoded();
    }

    public boolean canDecrypt() {
        return privateKey != null;
    }

    X25519PublicKeyParameters publicKey() {
        return publicKey;
    }

    X25519PrivateKeyParameters privateKey() {
        return privateKey;
    }

    static String idOf(byte[] publicKey) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(publicKey);
            return HexFormat.of().formatHex(Arrays.copyOf(digest, 8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
