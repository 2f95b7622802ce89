package io.kraftwerk.master.auth;

import io.kraftwerk.master.util.OwnerOnlyFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/**
 * The admin token file, {@code DATA/admin.token}: made by {@code kw-master admin-token} (256 random
 * bits as 64 hex digits, written to a temporary file created 0600, fsynced and renamed into
 * place), and read by the master at start, which refuses a missing, empty, weak or
 * world-readable one rather than run with a guessable admin credential.
 */
public final class AdminToken {
    /** The least entropy a token must carry, as estimated by {@link #estimatedBits}. */
    public static final int MIN_BITS = 256;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Set<PosixFilePermission> OTHERS = Set.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);

    private AdminToken() {
    }

    /** The token is unusable; the message says how to make a good one. */
    public static final class Unusable extends Exception {
        private static final long serialVersionUID = 1L;

        Unusable(String message) {
            super(message);
        }
    }

    /** Reads and checks the token, or says what is wrong with it and how to make one. */
    public static String read(Path file) throws IOException, Unusable {
        String dir = file.toAbsolutePath().getParent().toString();
        String make = "make one with 'kw-master admin-token --data-dir " + dir + "'";
        // a file that is there but unusable is replaced, not made: 'admin-token' alone keeps an existing file
        String replace = "replace it with 'kw-master admin-token --rotate --data-dir " + dir + "'";
        String content;
        try {
            content = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (NoSuchFileException e) {
            throw new Unusable("the admin token " + file + " is missing: " + make);
        }
        if (content.isEmpty()) {
            throw new Unusable("the admin token " + file + " is empty: " + replace);
        }
        int bits = estimatedBits(content);
        if (bits < MIN_BITS) {
            throw new Unusable("the admin token in " + file + " is too weak (about " + bits + " bits; at least " + MIN_BITS
                    + " are needed, such as 64 random hex digits): " + replace);
        }
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
        if (mode.stream().anyMatch(OTHERS::contains)) {
            throw new Unusable("the admin token " + file + " is readable or writable by others (mode "
                    + PosixFilePermissions.toString(mode) + "): consider it leaked and " + replace + " (it writes the new one 0600)");
        }
        return content;
    }

    /**
     * An estimate of a token's entropy that a random token passes and an invented one does not:
     * the length of its shortest repeating unit ({@code abcabc…} counts as {@code abc}) times the
     * bits of the smallest alphabet it fits (hex 4, base64 6, printable ASCII 6.5); with fewer than
     * half the distinct characters a random string of its length would have, only the bits those
     * characters allow.
     */
    public static int estimatedBits(String token) {
        boolean hex = token.chars().allMatch(c -> Character.digit(c, 16) >= 0);
        boolean base64 = token.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || "+/=_-".indexOf(c) >= 0));
        double perChar = hex ? 4 : base64 ? 6 : 6.5;
        int alphabet = hex ? 16 : base64 ? 64 : 95;
        long distinct = token.chars().distinct().count();
        double randomWouldHave = alphabet * (1 - Math.pow(1 - 1.0 / alphabet, token.length()));
        if (distinct < randomWouldHave / 2) {
            perChar = Math.min(perChar, distinct <= 1 ? 0 : Math.log(distinct) / Math.log(2));
        }
        return (int) Math.floor(period(token) * perChar);
    }

    /** The length of the shortest unit the token repeats at least twice (its own length when none). */
    private static int period(String token) {
        for (int p = 1; p <= token.length() / 2; p++) {
            boolean repeats = true;
            for (int i = p; i < token.length() && repeats; i++) {
                repeats = token.charAt(i) == token.charAt(i - p);
            }
            if (repeats) {
                return p;
            }
        }
        return token.length();
    }

    /** Writes a new random token (replacing any) atomically, 0600 from its first byte; returns it. */
    public static String create(Path file) throws IOException {
        byte[] random = new byte[MIN_BITS / 8];
        RANDOM.nextBytes(random);
        String token = HexFormat.of().formatHex(random);
        OwnerOnlyFile.write(file, (token + "\n").getBytes(StandardCharsets.US_ASCII));
        return token;
    }
}
