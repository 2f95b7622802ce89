package io.kraftwerk.master;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * A Java source file as code only: comments, string and character literals and text blocks are
 * blanked out (line breaks kept, so line numbers still match), so that what a test finds in it is
 * what the compiler reads as names.
 *
 * @param file  the file, as found
 * @param lines its code, line by line
 */
public record JavaSource(Path file, List<String> lines) {
    /** Every {@code .java} file below {@code root}, in a stable order. */
    public static List<JavaSource> under(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(f -> f.toString().endsWith(".java")).sorted().map(JavaSource::read).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JavaSource read(Path file) {
        try {
            return new JavaSource(file, codeOnly(Files.readString(file, StandardCharsets.UTF_8)).lines().toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code file:line}, as a reader would look it up. */
    public String at(int index) {
        return file + ":" + (index + 1);
    }

    /** The text with every comment and literal replaced by spaces, line breaks kept. */
    static String codeOnly(String text) {
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            int end = endOfNonCode(text, i);
            if (end == i) {
                out.append(text.charAt(i++));
                continue;
            }
            for (int k = i; k < end; k++) {
                out.append(text.charAt(k) == '\n' ? '\n' : ' ');
            }
            i = end;
        }
        return out.toString();
    }

    /** Where the comment or literal starting at {@code i} ends; {@code i} itself when none starts there. */
    private static int endOfNonCode(String text, int i) {
        if (text.startsWith("//", i)) {
            int nl = text.indexOf('\n', i);
            return nl < 0 ? text.length() : nl;
        }
        if (text.startsWith("/*", i)) {
            int end = text.indexOf("*/", i + 2);
            return end < 0 ? text.length() : end + 2;
        }
        if (text.startsWith("\"\"\"", i)) {
            int j = i + 3;
            while (j < text.length() && !text.startsWith("\"\"\"", j)) {
                j += text.charAt(j) == '\\' ? 2 : 1;
            }
            return Math.min(j + 3, text.length());
        }
        char c = text.charAt(i);
        if (c != '"' && c != '\'') {
            return i;
        }
        int j = i + 1;
        while (j < text.length() && text.charAt(j) != c && text.charAt(j) != '\n') {
            j += text.charAt(j) == '\\' ? 2 : 1;
        }
        return Math.min(j + 1, text.length());
    }
}
