package io.kraftwerk.master.notify;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * The {@code Kraftwerk-Signature} header of a webhook delivery: {@code t=UNIX_SECONDS,v1=HEX} where HEX
 * is HMAC-SHA256 of {@code "UNIX_SECONDS." + body} under the webhook's secret. The time is signed with
 * the body, so a receiver that refuses old times (five minutes, say) refuses a replayed delivery.
 */
public final class Signature {
    public static final String HEADER = "Kraftwerk-Signature";

    private Signature() {
    }

    public static String header(byte[] secret, long unixSeconds, byte[] body) {
        return "t=" + unixSeconds + ",v1=" + HexFormat.of().formatHex(mac(secret, unixSeconds, body));
    }

    static byte[] mac(byte[] secret, long unixSeconds, byte[] body) {
        HMac hmac = new HMac(new SHA256Digest());
        hmac.init(new KeyParameter(secret));
        byte[] prefix = (unixSeconds + ".").getBytes(StandardCharsets.US_ASCII);
        hmac.update(prefix, 0, prefix.length);
        hmac.update(body, 0, body.length);
        byte[] out = new byte[hmac.getMacSize()];
        hmac.doFinal(out, 0);
        return out;
    }
}
