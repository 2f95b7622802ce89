package io.kraftwerk.master.dumps;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * Seals a dump chunk by chunk with ChaCha20-Poly1305 (BouncyCastle), the STREAM construction that
 * age and Tink use for files too large to seal at once: one random key per dump, the chunk's index
 * as the nonce (never reused under that key), and the dump's id, the index and whether it is the
 * last chunk as associated data. A chunk changed, swapped with another (of this dump or any
 * other), dropped from the end or added after it fails its tag: the dump is refused, never half read.
 */
final class ChunkCipher {
    static final int KEY_BYTES = 32;
    static final int TAG_BYTES = 16;
    private static final int NONCE_BYTES = 12;

    private final byte[] key;
    private final String dumpId;

    ChunkCipher(byte[] key, String dumpId) {
        if (key.length != KEY_BYTES) {
            throw new IllegalArgumentException("a dump key is " + KEY_BYTES + " bytes");
        }
        this.key = key.clone();
        this.dumpId = dumpId;
    }

    byte[] seal(int index, boolean last, byte[] plain) {
        ChaCha20Poly1305 aead = aead(true, index, last);
        byte[] out = new byte[aead.getOutputSize(plain.length)];
        int n = aead.processBytes(plain, 0, plain.length, out, 0);
        try {
            aead.doFinal(out, n);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 failed to seal (this is a Kraftwerk bug, please report it)", e);
        }
        return out;
    }

    /** @throws InvalidCipherTextException when the chunk is not this dump's chunk {@code index} as sealed */
    byte[] open(int index, boolean last, byte[] sealed, int length) throws InvalidCipherTextException {
        ChaCha20Poly1305 aead = aead(false, index, last);
        byte[] out = new byte[aead.getOutputSize(length)];
        int n = aead.processBytes(sealed, 0, length, out, 0);
        aead.doFinal(out, n);
        return out;
    }

    private ChaCha20Poly1305 aead(boolean encrypt, int index, boolean last) {
        byte[] nonce = ByteBuffer.allocate(NONCE_BYTES).putInt(4, index).array();
        byte[] associated = ("kraftwerk-dump/1 " + dumpId + " " + index + " " + (last ? "last" : "more")).getBytes(StandardCharsets.US_ASCII);
        ChaCha20Poly1305 aead = new ChaCha20Poly1305();
        aead.init(encrypt, new AEADParameters(new KeyParameter(key), TAG_BYTES * 8, nonce, associated));
        return aead;
    }
}
