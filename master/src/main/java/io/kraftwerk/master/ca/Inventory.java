package io.kraftwerk.master.ca;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code inventory.tsv}: every certificate the CA issued, one line each —
 * serial (hex), certname, not before, not after, revoked at (or "-").
 */
final class Inventory {
    record Line(BigInteger serial, String certname, Instant notBefore, Instant notAfter, Instant revokedAt) {
        String format() {
            return serial.toString(16) + "\t" + certname + "\t" + notBefore + "\t" + notAfter + "\t"
                    + (revokedAt == null ? "-" : revokedAt.toString()) + "\n";
        }
    }

    private Inventory() {
    }

    static List<Line> read(Path dir) throws IOException {
        Path file = dir.resolve("inventory.tsv");
        List<Line> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String[] f = line.split("\t");
            if (f.length == 5) {
                out.add(new Line(new BigInteger(f[0], 16), f[1], Instant.parse(f[2]), Instant.parse(f[3]),
                        f[4].equals("-") ? null : Instant.parse(f[4])));
            }
        }
        return out;
    }

    static void append(Path dir, Line line) throws IOException {
        Files.writeString(dir.resolve("inventory.tsv"), line.format(), StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    static void markRevoked(Path dir, String certname, Instant when) throws IOException {
        StringBuilder out = new StringBuilder();
        for (Line l : read(dir)) {
            Line updated = l.certname().equals(certname) && l.revokedAt() == null
                    ? new Line(l.serial(), l.certname(), l.notBefore(), l.notAfter(), when) : l;
            out.append(updated.format());
        }
        CaDirectory.writeAtomically(dir.resolve("inventory.tsv"), out.toString().getBytes(StandardCharsets.UTF_8));
    }
}
