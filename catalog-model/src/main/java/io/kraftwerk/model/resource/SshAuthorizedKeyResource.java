package io.kraftwerk.model.resource;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.kraftwerk.model.validation.PosixName;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * One public key a user may log in with: a line of {@code ~USER/.ssh/authorized_keys}. Lines are
 * matched by their key, so a key's comment and options are kept as declared and other lines of the
 * file are left alone, unless {@code exclusive} is set: then the file holds the catalog's keys for
 * that user and nothing else.
 *
 * @param name      the key's name, e.g. {@code alice@laptop}; its title
 * @param ensure    {@code present} (default) or {@code absent}
 * @param user      the user whose file it is (the file is in their home directory)
 * @param keyType   {@code ssh-ed25519}, {@code ssh-rsa}, {@code ecdsa-sha2-nistp256}, … as the key says
 * @param key       the key itself: the base64 field of the public key file
 * @param comment   the comment after the key; default the name
 * @param options   options before the key, e.g. {@code from="10.0.0.0/8"}, {@code no-port-forwarding}
 * @param exclusive remove every line of the user's file that is not a key this catalog declares for them
 */
@Sensitivity // nothing of it is secret
public record SshAuthorizedKeyResource(
        @NotNull @Pattern(regexp = NAME, message = "must be a key name: letters, digits, '_', '.', '@', '+' or '-',"
                + " starting with a letter or digit, at most 128 characters") String name,
        @NotNull Ensure ensure,
        @NotNull @PosixName String user,
        @NotNull @Pattern(regexp = KEY_TYPE, message = "must be an OpenSSH key type: ssh-ed25519, ssh-rsa, ecdsa-sha2-nistp256,"
                + " ecdsa-sha2-nistp384, ecdsa-sha2-nistp521, sk-ssh-ed25519@openssh.com or sk-ecdsa-sha2-nistp256@openssh.com") String keyType,
        @NotNull @Size(max = 16384) @Pattern(regexp = "[A-Za-z0-9+/]+={0,2}", message = "must be the base64 key field of the"
                + " public key (the second word of id_ed25519.pub), without the type or the comment") String key,
        @NotNull @Pattern(regexp = "[^\\x00-\\x1f\\x7f]{0,512}", message = "must be one line of at most 512 characters") String comment,
        @NotNull List<@NotNull @Pattern(regexp = OPTION, message = "must be an authorized_keys option such as"
                + " no-port-forwarding or from=\"10.0.0.0/8\" (quotes inside a value escaped as \\\", one line)") String> options,
        boolean exclusive) implements Resource {
    public static final String NAME = "[A-Za-z0-9][A-Za-z0-9_.@+-]{0,127}";
    static final String KEY_TYPE = "ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\\.com"
            + "|sk-ecdsa-sha2-nistp256@openssh\\.com";
    static final String OPTION = "[A-Za-z][A-Za-z0-9-]*(=\"([^\"\\\\\\x00-\\x1f\\x7f]|\\\\\")*\")?";

    public SshAuthorizedKeyResource {
        ensure = Values.or(ensure, Ensure.PRESENT);
        comment = Values.or(comment, name);
        options = Values.list(options);
    }

    @Override
    public String title() {
        return name;
    }

    /**
     * The key blob begins with its own type name and is a run of length-prefixed fields (RFC 4253 6.6): a key pasted with the wrong type, or
     * cut short, is caught here rather than by sshd refusing logins later.
     */
    @JsonIgnore
    @AssertTrue(message = "'key' is not a public key of 'key_type': paste the second word of the .pub file whose first word is the key type")
    public boolean isKeyOfItsType() {
        if (key == null || keyType == null || !key.matches("[A-Za-z0-9+/]+={0,2}")) {
            return true; // the attribute's own check reports it
        }
        try {
            ByteBuffer blob = ByteBuffer.wrap(Base64.getDecoder().decode(key));
            byte[] type = new byte[Math.min(blob.getInt(), 64)];
            blob.get(type);
            int fields = 1;
            while (blob.hasRemaining()) { // every key format is a run of length-prefixed fields
                int length = blob.getInt();
                blob.position(blob.position() + length);
                fields++;
            }
            return fields >= 2 && new String(type, StandardCharsets.US_ASCII).equals(keyType);
        } catch (RuntimeException e) {
            return false;
        }
    }
}
