package io.kraftwerk.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Apt repositories as apt meets them on the internet, made on the host with the real tools
 * (dpkg-deb, dpkg-scanpackages, gpg): a Release listing its indexes by SHA-256 and an InRelease
 * clear-signed with a key of its own, so that apt_source is tested against apt's real checks.
 */
final class SignedAptRepository {
    private final Path work;

    /** @param work a scratch directory for packages and GnuPG homes */
    SignedAptRepository(Path work) {
        this.work = work;
    }

    /** A fresh signing key called {@code name}: returns its public half, ASCII-armored. */
    String newKey(String name) throws IOException, InterruptedException {
        Path home = Files.createDirectories(work.resolve("gnupg-" + name));
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
        run(work, gpg(name, "--passphrase", "", "--quick-generate-key", name + "@example.invalid", "ed25519", "sign", "never"));
        return run(work, gpg(name, "--armor", "--export", name + "@example.invalid"));
    }

    /** A package of one text file, {@code /usr/share/NAME/hello.txt}. */
    Path deb(String name, String version, String text) throws IOException, InterruptedException {
        Path pkg = work.resolve("pkg-" + name);
        Files.createDirectories(pkg.resolve("DEBIAN"));
        Files.createDirectories(pkg.resolve("usr/share/" + name));
        Files.writeString(pkg.resolve("DEBIAN/control"), "Package: " + name + "\nVersion: " + version + "\nArchitecture: all\n"
                + "Maintainer: Kraftwerk tests <tests@example.invalid>\nDescription: a package of the apt_source tests\n");
        Files.writeString(pkg.resolve("usr/share/" + name + "/hello.txt"), text);
        Path deb = work.resolve(name + "_" + version + "_all.deb");
        run(work, List.of("dpkg-deb", "--root-owner-group", "--build", pkg.toString(), deb.toString()));
        return deb;
    }

    /** A flat repository ({@code Suites: ./}) in {@code repo} holding {@code debs}, signed by key {@code signer}. */
    void flat(Path repo, String signer, Path... debs) throws IOException, InterruptedException {
        Files.createDirectories(repo);
        for (Path deb : debs) {
            Files.copy(deb, repo.resolve(deb.getFileName()));
        }
        String packages = run(repo, List.of("dpkg-scanpackages", "--multiversion", "."));
        assertTrue(debs.length == 0 || packages.contains("Package: "), packages);
        Files.writeString(repo.resolve("Packages"), packages);
        sign(repo, "", List.of("Packages"), signer);
    }

    /** An empty suite in the usual layout ({@code dists/SUITE/COMPONENT/binary-amd64}), signed by key {@code signer}. */
    void emptySuite(Path repo, String suite, String component, String signer) throws IOException, InterruptedException {
        Path dists = Files.createDirectories(repo.resolve("dists/" + suite));
        String index = component + "/binary-amd64/Packages";
        Files.createDirectories(dists.resolve(index).getParent());
        Files.writeString(dists.resolve(index), "");
        sign(dists, "Suite: " + suite + "\nCodename: " + suite + "\nComponents: " + component + "\nArchitectures: amd64\n",
                List.of(index), signer);
    }

    private void sign(Path dir, String fields, List<String> indexes, String signer) throws IOException, InterruptedException {
        StringBuilder release = new StringBuilder("Origin: kraftwerk-test\nLabel: kraftwerk-test\n").append(fields)
                .append("Date: Sun, 06 Dec 2026 00:00:00 UTC\nSHA256:\n");
        for (String index : indexes) {
            byte[] bytes = Files.readAllBytes(dir.resolve(index));
            release.append(' ').append(sha256(bytes)).append(' ').append(bytes.length).append(' ').append(index).append('\n');
        }
        Files.writeString(dir.resolve("Release"), release);
        run(dir, gpg(signer, "--local-user", signer + "@example.invalid", "--clearsign", "--output", "InRelease", "Release"));
    }

    private List<String> gpg(String name, String... args) {
        List<String> argv = new ArrayList<>(List.of("gpg", "--homedir", work.resolve("gnupg-" + name).toString(), "--batch", "--yes",
                "--pinentry-mode", "loopback"));
        argv.addAll(List.of(args));
        return argv;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String run(Path dir, List<String> argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).directory(dir.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", argv));
        return out;
    }
}
