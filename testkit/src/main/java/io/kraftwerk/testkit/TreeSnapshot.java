package io.kraftwerk.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Every entry under a directory with type, owner, mode, and content digest or link target: equal
 * snapshots mean nothing changed. Taken of a node's overlay upper layer it covers every change the
 * node ever made to its file system.
 */
public final class TreeSnapshot {
    private TreeSnapshot() {
    }

    /** @param include which relative paths (starting with '/') to record */
    public static SortedMap<String, String> capture(Path root, Predicate<String> include) throws IOException {
        SortedMap<String, String> out = new TreeMap<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                String rel = "/" + root.relativize(dir);
                if (!dir.equals(root) && !include.test(rel)) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                out.put(rel, describe(dir, attrs));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                String rel = "/" + root.relativize(file);
                if (include.test(rel)) {
                    out.put(rel, describe(file, attrs));
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return out;
    }

    private static String describe(Path p, BasicFileAttributes attrs) throws IOException {
        int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        int uid = (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        int gid = (Integer) Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS);
        String head = String.format("%06o %d:%d", mode, uid, gid);
        if (attrs.isSymbolicLink()) {
            return head + " -> " + Files.readSymbolicLink(p);
        }
        if (attrs.isRegularFile()) {
            return head + " " + attrs.size() + " " + digest(p);
        }
        return head;
    }

    private static String digest(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[65536];
            int n;
            while ((n = in.read(buffer)) > 0) {
                md.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
