package io.kraftwerk.master.cli;

import io.kraftwerk.master.secrets.EditableCopy;
import io.kraftwerk.master.secrets.SecretsException;
import io.kraftwerk.master.secrets.SecretsKey;
import io.kraftwerk.master.secrets.SecretsKeys;
import io.kraftwerk.master.settings.MasterPaths;
import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * {@code kw-master secrets edit FILE}: the file's encrypted values decrypted into a copy for an
 * editor, and encrypted again when the editor ends. The copy holds plaintexts, so it lives in a
 * directory of its own that only the user can enter, is 0600 from its first byte, and is deleted
 * with the directory (and whatever the editor left there: swap files, backups) before the command
 * returns, whatever happens. FILE is written once, atomically, or not at all.
 */
@Command(name = "edit", mixinStandardHelpOptions = true,
        description = {"Edit a YAML file with its ENC[...] values decrypted: each shows as a value tagged !secret, and every",
            "value tagged !secret is encrypted when the editor ends (tag a new value !secret to encrypt it). Unchanged values keep",
            "their exact envelope and the rest of the file stays as edited, so a diff shows only what changed. The editor is",
            "$VISUAL, else $EDITOR, else vi."})
final class SecretsEditCommand extends SecretsCommand.Subcommand {
    private static final String NAME = "kw-master secrets edit: ";

    @Parameters(index = "0", paramLabel = "FILE", description = "The YAML file to edit, in a working copy of the manifests.")
    Path file;

    /** Where VISUAL and EDITOR are read; tests give their own, as they cannot set the process's. */
    Map<String, String> environment = System.getenv();

    /** The person at the terminal, asked whether to reopen a copy that does not read; null when there is none. */
    Terminal terminal = Terminal.console();

    /** A yes/no question to the person at the terminal. */
    interface Terminal {
        boolean confirm(String question);

        static Terminal console() {
            Console console = System.console();
            if (console == null) {
                return null;
            }
            return question -> {
                String answer = console.readLine("%s", question);
                return answer != null && !answer.strip().toLowerCase(Locale.ROOT).startsWith("n");
            };
        }
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            err.println(NAME + file + (Files.isSymbolicLink(file) ? " is a symbolic link: edit the file it points to"
                    : " is not a regular file"));
            return 1;
        }
        try {
            String original = utf8(Files.readAllBytes(file));
            EditableCopy copy = EditableCopy.open(original, file.toString(), new SecretsKeys(new MasterPaths(dataDir).secrets())::byId);
            SecretsKey to = SecretsCommand.existingKey(dataDir);
            return editInPrivate(copy, original, to, out, err);
        } catch (IOException | SecretsException e) {
            err.println(NAME + e.getMessage() + " (" + file + " is unchanged)");
            return 1;
        }
    }

    private int editInPrivate(EditableCopy copy, String original, SecretsKey to, PrintWriter out, PrintWriter err) throws IOException {
        Path dir = privateDirectory();
        // a kill of this command (an ssh disconnect, SIGTERM) still removes the plaintext copy
        Thread cleanup = new Thread(() -> delete(dir, err), "kw-secrets-edit-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            // the file's own name, so the editor knows it is YAML
            Path path = dir.resolve(file.getFileName().toString());
            writeOwnerOnly(path, copy.text());
            for (;;) {
                out.flush();
                err.flush();
                if (!editorSucceeded(path, err)) {
                    return 1;
                }
                String edited = Files.readString(path, StandardCharsets.UTF_8);
                if (edited.equals(copy.text())) {
                    out.println("no change: " + file + " is not rewritten");
                    return 0;
                }
                try {
                    EditableCopy.Sealed sealed = copy.seal(edited, to, new SecureRandom());
                    if (!sealed.text().equals(original)) {
                        SecretsCommand.replace(file, sealed.text());
                    }
                    out.println("kept " + sealed.kept() + " value(s), encrypted " + sealed.encrypted()
                            + " new or changed value(s) to key " + to.id() + " in " + file);
                    return 0;
                } catch (SecretsException e) {
                    err.println(NAME + e.getMessage() + " (in your edit; " + file + " is unchanged)");
                    if (terminal == null) {
                        err.println(NAME + "the edited copy is deleted, as its plaintext must not outlive the command: run the"
                                + " edit again from a terminal to be offered to fix it");
                        return 1;
                    }
                    err.flush();
                    if (!terminal.confirm("Reopen the editor on your copy to fix it? [Y/n] ")) {
                        err.println(NAME + "the edited copy is deleted; " + file + " is unchanged");
                        return 1;
                    }
                }
            }
        } finally {
            delete(dir, err);
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException e) {
                // already shutting down: the hook runs, and finds nothing left
            }
        }
    }

    /**
     * A 0700 directory for the copy: in memory ({@code /dev/shm}, a tmpfs) where there is one, so the
     * plaintext never reaches a disk; else the temporary directory.
     */
    private static Path privateDirectory() throws IOException {
        FileAttribute<Set<PosixFilePermission>> owner = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
        Path shm = Path.of("/dev/shm");
        if (Files.isDirectory(shm) && Files.isWritable(shm)) {
            try {
                return Files.createTempDirectory(shm, "kw-secrets-edit-", owner);
            } catch (IOException e) {
                // not usable after all: the temporary directory will do
            }
        }
        return Files.createTempDirectory("kw-secrets-edit-", owner);
    }

    /** Runs the editor on the copy; false (said why) when it did not end well. */
    private boolean editorSucceeded(Path path, PrintWriter err) {
        List<String> argv = editor(environment);
        argv.add(path.toString());
        int status;
        // Ctrl-C in the editor (vim leaves insert mode with it) reaches this process too, as git, crontab -e and
        // visudo know: ignored while the editor runs, or the edit would be lost (Ctrl-\ only dumps the JVM's threads;
        // a hang-up or TERM ends the command, and the shutdown hook removes the copy)
        SignalHandler interrupt = Signal.handle(new Signal("INT"), SignalHandler.SIG_IGN);
        try {
            status = new ProcessBuilder(argv).inheritIO().start().waitFor();
        } catch (IOException e) {
            err.println(NAME + "cannot start the editor " + argv.get(0) + ": " + e.getMessage()
                    + " (set VISUAL or EDITOR to an editor's command; " + file + " is unchanged)");
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println(NAME + "interrupted while the editor ran (" + file + " is unchanged)");
            return false;
        } finally {
            Signal.handle(new Signal("INT"), interrupt);
        }
        if (status != 0) {
            err.println(NAME + "the editor " + argv.get(0) + " exited with status " + status + " (" + file + " is unchanged)");
            return false;
        }
        return true;
    }

    /** The editor's argument vector: $VISUAL, else $EDITOR, else vi, split on blanks; never a shell. */
    static List<String> editor(Map<String, String> environment) {
        for (String name : List.of("VISUAL", "EDITOR")) {
            String command = environment.get(name);
            if (command != null && !command.isBlank()) {
                return new ArrayList<>(List.of(command.strip().split("\\s+")));
            }
        }
        return new ArrayList<>(List.of("vi"));
    }

    private static String utf8(byte[] bytes) throws SecretsException {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new SecretsException("not UTF-8 text: YAML files are edited as UTF-8");
        }
    }

    /** Created 0600: the plaintexts are never in a file anyone else could open, not even for a moment. */
    private static void writeOwnerOnly(Path path, String text) throws IOException {
        try (FileChannel channel = FileChannel.open(path, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
            ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        }
    }

    /** The private directory and all in it; what cannot be deleted is named, as it may hold plaintext. */
    private static void delete(Path dir, PrintWriter err) {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            err.println(NAME + "could not delete " + dir + ", which may hold decrypted values: delete it yourself ("
                    + e.getMessage() + ")");
        }
    }
}
