package io.kraftwerk.master.cli;

import io.kraftwerk.master.secrets.CheckingOpener;
import io.kraftwerk.master.secrets.Envelope;
import io.kraftwerk.master.secrets.PublicKeyLine;
import io.kraftwerk.master.secrets.Reencryption;
import io.kraftwerk.master.secrets.SecretsException;
import io.kraftwerk.master.secrets.SecretsKey;
import io.kraftwerk.master.secrets.SecretsKeys;
import io.kraftwerk.master.settings.MasterPaths;
import io.kraftwerk.master.util.ContainedFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kw-master secrets public-key | encrypt | edit | rotate | retire | keys}: the master's
 * secrets keys, and values encrypted to them for manifests and data ({@code ENC[KW1,KEYID,…]}). A
 * value to encrypt comes from standard input, a file or an editor, never from the command line,
 * where other users see it in the process list and it stays in the shell's history.
 */
@Command(name = "secrets", mixinStandardHelpOptions = true,
        description = "Values encrypted to the master's secrets key, for manifests and data in git.",
        subcommands = {SecretsCommand.PublicKey.class, SecretsCommand.Encrypt.class, SecretsEditCommand.class,
            SecretsCommand.Rotate.class, SecretsRetireCommand.class, SecretsCommand.Keys.class})
final class SecretsCommand {

    private SecretsCommand() {
    }

    /** What every secrets subcommand takes: the master's data directory, and where to print. */
    abstract static class Subcommand implements Callable<Integer> {
        @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "/var/lib/kraftwerk-master",
                description = "The master's data directory, whose secrets keys are used (default: ${DEFAULT-VALUE}).")
        Path dataDir;

        @Spec
        CommandSpec spec;
    }

    /** The data directory's key store, the key made when the master has none yet. */
    static SecretsKey currentKey(Path dataDir, PrintWriter err) throws IOException, SecretsException {
        SecretsKeys keys = new SecretsKeys(new MasterPaths(dataDir).secrets());
        Optional<SecretsKey> current = keys.current();
        if (current.isPresent()) {
            return current.get();
        }
        SecretsKey made = keys.currentOrCreate();
        err.println("made the master's secrets key " + made.id() + " in " + keys.dir() + " (private key 0600: back it up"
                + " with the CA key; without it no encrypted value can be read)");
        err.flush();
        return made;
    }

    /** The current key, which encrypting needs to exist: made with the CA, or by 'public-key' (never here, on a wrong host or data directory). */
    static SecretsKey existingKey(Path dataDir) throws IOException, SecretsException {
        SecretsKeys keys = new SecretsKeys(new MasterPaths(dataDir).secrets());
        return keys.current().orElseThrow(() -> new SecretsException("there is no secrets key in " + keys.dir() + " (the master makes"
                + " one when it first starts; 'kw-master secrets public-key' makes one too): is this the master, and its --data-dir?"));
    }

    /** A value as text: values are UTF-8 text, never silently changed bytes. */
    static String text(byte[] bytes, String from) throws SecretsException {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new SecretsException("the value from " + from + " is not UTF-8 text: encrypted values are text (encrypt a binary"
                    + " key or keystore in its base64 or PEM form)");
        }
    }

    @Command(name = "public-key", mixinStandardHelpOptions = true,
            description = {"Print the public half of the master's secrets key, one line: give it to CI and to operators who",
                "encrypt without access to the master (kw-master secrets encrypt --public-key FILE). Makes the key if there is none."})
    static final class PublicKey extends Subcommand {

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try {
                out.println(PublicKeyLine.of(currentKey(dataDir, err)));
                out.flush();
                return 0;
            } catch (IOException | SecretsException e) {
                err.println("kw-master secrets public-key: " + e.getMessage());
                return 1;
            }
        }
    }

    @Command(name = "encrypt", mixinStandardHelpOptions = true,
            description = {"Encrypt a value read from standard input (one trailing newline dropped) or from --file (byte for byte),",
                "and print it as ENC[KW1,KEYID,...] to paste into manifests or data. The value is never an argument."})
    static final class Encrypt extends Subcommand {

        @Option(names = "--public-key", paramLabel = "FILE",
                description = {"Encrypt to this public key instead (a file of lines from kw-master secrets public-key, such as the site's",
                    "secrets.pub: the first key): no access to the master needed."})
        Path publicKey;

        @Option(names = "--file", paramLabel = "FILE", description = "Read the value from FILE (a key, a certificate) instead of standard input.")
        Path file;

        @Option(names = "--environment", paramLabel = "ENV",
                description = {"Open the value only in catalogs of this environment (a branch); repeat for more. Whoever can push to",
                    "another branch cannot have it decrypted there. Default: every environment."})
        List<String> environments = new ArrayList<>();

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try {
                SecretsKey key = publicKey != null ? PublicKeyLine.parseAll(Files.readString(publicKey, StandardCharsets.UTF_8), publicKey.toString()).get(0)
                        : existingKey(dataDir);
                String value;
                if (file != null) {
                    value = text(Files.readAllBytes(file), file.toString());
                } else {
                    value = text(System.in.readAllBytes(), "standard input");
                    value = value.endsWith("\n") ? value.substring(0, value.length() - 1) : value;
                }
                if (value.isEmpty()) {
                    err.println("kw-master secrets encrypt: the value is empty (give it on standard input or with --file)");
                    return 2;
                }
                out.println(Envelope.encrypt(value, key, environments, new SecureRandom()));
                out.flush();
                return 0;
            } catch (IOException | SecretsException e) {
                err.println("kw-master secrets encrypt: " + e.getMessage());
                return 1;
            } catch (IllegalArgumentException e) {
                err.println("kw-master secrets encrypt: " + e.getMessage());
                return KwMaster.EXIT_USAGE;
            }
        }
    }

    @Command(name = "rotate", mixinStandardHelpOptions = true,
            description = {"Make a new secrets key the current one and re-encrypt every ENC[...] value of a working copy of the",
                "manifests to it (the rest of each file stays byte for byte). The old key stays, so catalogs of commits not yet",
                "re-encrypted still compile; commit and push the working copy, then retire the old key."})
    static final class Rotate extends Subcommand {

        @Option(names = "--manifests", paramLabel = "DIR", required = true,
                description = "A working copy of the manifests repository, whose files are re-encrypted in place.")
        Path manifests;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try {
                SecretsKeys keys = new SecretsKeys(new MasterPaths(dataDir).secrets());
                // every file is read and re-encrypted before one is written: a value that cannot be opened changes nothing
                Map<Path, Reencryption.Result> results = new TreeMap<>();
                List<Path> files = workingCopyFiles(manifests);
                SecureRandom random = new SecureRandom();
                SecretsKey previous = keys.current().orElse(null);
                SecretsKey to = SecretsKey.generate(random); // kept only once every value re-encrypts
                int values = 0;
                for (Path file : files) {
                    byte[] bytes = Files.readAllBytes(file);
                    // ISO-8859-1 maps every byte to one character and back: the rest of the file stays byte for byte,
                    // whatever its encoding, and envelopes are ASCII
                    String text = new String(bytes, StandardCharsets.ISO_8859_1);
                    if (!text.contains("ENC[")) {
                        continue;
                    }
                    Reencryption.Result result = Reencryption.reencrypt(text, manifests.relativize(file).toString(), keys::byId, to, random);
                    if (result.values() > 0) {
                        results.put(file, result);
                        values += result.values();
                    }
                }
                Path siteKeys = manifests.resolve(CheckingOpener.SITE_KEYS);
                String siteKeysText = Files.isRegularFile(siteKeys, LinkOption.NOFOLLOW_LINKS)
                        ? withOnlyKey(Files.readString(siteKeys, StandardCharsets.UTF_8), to) : null;
                keys.keep(to);
                List<Path> written = new ArrayList<>();
                try {
                    for (Map.Entry<Path, Reencryption.Result> r : results.entrySet()) {
                        // through no link, from the working copy's root down: root is rewriting another user's tree
                        ContainedFile.replace(manifests, r.getKey(), r.getValue().text().getBytes(StandardCharsets.ISO_8859_1));
                        written.add(manifests.relativize(r.getKey()));
                    }
                    if (siteKeysText != null) {
                        ContainedFile.replace(manifests, siteKeys, siteKeysText.getBytes(StandardCharsets.UTF_8));
                    }
                } catch (IOException e) {
                    // the new key is current and the old one stays: what was written opens, what was not still opens too
                    err.println("kw-master secrets rotate: " + e.getMessage() + "; key " + to.id() + " is now the current key, and "
                            + written.size() + " of " + results.size() + " file(s) were re-encrypted to it (" + written
                            + "); the others still hold values for the old key, which stays: fix the cause and run rotate again");
                    return 1;
                }
                out.println("re-encrypted " + values + " value(s) in " + results.size() + " file(s) to key " + to.id()
                        + (siteKeysText == null ? "" : ", which " + CheckingOpener.SITE_KEYS + " now lists")
                        + (previous == null ? "" : "; key " + previous.id() + " stays for decryption until it is retired"));
                out.flush();
                return 0;
            } catch (IOException | SecretsException e) {
                err.println("kw-master secrets rotate: " + e.getMessage() + " (no file was changed)");
                return 1;
            }
        }

        /**
         * The site's public-key file after rotation: its comments kept, its keys replaced by the new
         * one — every value of the working copy is encrypted to it now, and lint should refuse a value
         * still sealed to an old key.
         */
        private static String withOnlyKey(String text, SecretsKey key) {
            StringBuilder out = new StringBuilder();
            boolean written = false;
            for (String line : text.split("\n", -1)) {
                if (line.strip().startsWith("kraftwerk-secrets-key ")) {
                    if (!written) {
                        out.append(PublicKeyLine.of(key)).append('\n');
                        written = true;
                    }
                } else if (!line.isEmpty()) {
                    out.append(line).append('\n');
                }
            }
            return written ? out.toString() : out + PublicKeyLine.of(key) + "\n";
        }
    }

    /** The files of a working copy that rotate re-encrypts and retire checks: regular files, none of .git. */
    static List<Path> workingCopyFiles(Path manifests) throws IOException {
        try (Stream<Path> walk = Files.walk(manifests)) {
            return walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .filter(p -> !manifests.relativize(p).getName(0).toString().equals(".git")).sorted().toList();
        }
    }

    /**
     * A file's new text, written to a new file beside it that has the file's mode before its first
     * byte, and renamed over it: a reader sees the old text or the new one, never half of it.
     */
    static void replace(Path file, String text) throws IOException {
        replace(file, text.getBytes(StandardCharsets.UTF_8));
    }

    /** As {@link #replace(Path, String)}, the new content given byte for byte, never written through a link. */
    static void replace(Path file, byte[] content) throws IOException {
        ContainedFile.replace(file.toAbsolutePath().getParent(), file, content);
    }

    @Command(name = "keys", mixinStandardHelpOptions = true,
            description = "List the master's secrets keys, one a line: the current one, the others that still decrypt, the retired ones.")
    static final class Keys extends Subcommand {
        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try {
                SecretsKeys keys = new SecretsKeys(new MasterPaths(dataDir).secrets());
                String current = keys.current().map(SecretsKey::id).orElse("");
                if (keys.ids().isEmpty() && keys.retiredIds().isEmpty()) {
                    err.println("no secrets keys in " + keys.dir() + " yet (kw-master secrets public-key makes one)");
                }
                for (String id : keys.ids()) {
                    out.println(id + (id.equals(current) ? "  current" : ""));
                }
                for (String id : keys.retiredIds()) {
                    out.println(id + "  retired");
                }
                out.flush();
                return 0;
            } catch (IOException | SecretsException e) {
                err.println("kw-master secrets keys: " + e.getMessage());
                return 1;
            }
        }
    }
}
