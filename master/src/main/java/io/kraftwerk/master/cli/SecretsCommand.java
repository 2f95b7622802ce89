package io.kraftwerk.master.cli;

import io.kraftwerk.master.secrets.Envelope;
import io.kraftwerk.master.secrets.PublicKeyLine;
import io.kraftwerk.master.secrets.SecretsException;
import io.kraftwerk.master.secrets.SecretsKey;
import io.kraftwerk.master.secrets.SecretsKeys;
import io.kraftwerk.master.settings.MasterPaths;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kw-master secrets public-key | encrypt}: the master's secrets key, and values encrypted
 * to it for manifests and data ({@code ENC[KW1,KEYID,…]}). A value to encrypt comes from standard
 * input or a file, never from the command line, where other users see it in the process list and
 * it stays in the shell's history.
 */
@Command(name = "secrets", mixinStandardHelpOptions = true,
        description = "Values encrypted to the master's secrets key, for manifests and data in git.",
        subcommands = {SecretsCommand.PublicKey.class, SecretsCommand.Encrypt.class})
final class SecretsCommand {
    private SecretsCommand() {
    }

    /** The data directory's key store, the key made when the master has none yet. */
    static SecretsKey currentKey(Path dataDir, PrintWriter err) throws IOException, SecretsException {
        SecretsKeys keys = new SecretsKeys(new MasterPaths(dataDir).secrets());
        if (keys.current().isEmpty()) {
            SecretsKey made = keys.currentOrCreate();
            err.println("made the master's secrets key " + made.id() + " in " + keys.dir() + " (private key 0600: back it up"
                    + " with the CA key; without it no encrypted value can be read)");
            err.flush();
            return made;
        }
        return keys.currentOrCreate();
    }

    @Command(name = "public-key", mixinStandardHelpOptions = true,
            description = {"Print the public half of the master's secrets key, one line: give it to CI and to operators who",
                "encrypt without access to the master (kw-master secrets encrypt --public-key FILE). Makes the key if there is none."})
    static final class PublicKey implements Callable<Integer> {
        @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "/var/lib/kraftwerk-master",
                description = "The master's data directory (default: ${DEFAULT-VALUE}).")
        Path dataDir;

        @Spec
        CommandSpec spec;

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
    static final class Encrypt implements Callable<Integer> {
        @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "/var/lib/kraftwerk-master",
                description = "The master's data directory, whose current key is used (default: ${DEFAULT-VALUE}).")
        Path dataDir;

        @Option(names = "--public-key", paramLabel = "FILE",
                description = "Encrypt to this public key (from kw-master secrets public-key) instead: no access to the master needed.")
        Path publicKey;

        @Option(names = "--file", paramLabel = "FILE", description = "Read the value from FILE (a key, a certificate) instead of standard input.")
        Path file;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try {
                SecretsKey key = publicKey != null ? PublicKeyLine.parse(Files.readString(publicKey, StandardCharsets.US_ASCII))
                        : currentKey(dataDir, err);
                String value;
                if (file != null) {
                    value = Files.readString(file, StandardCharsets.UTF_8);
                } else {
                    value = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
                    value = value.endsWith("\n") ? value.substring(0, value.length() - 1) : value;
                }
                if (value.isEmpty()) {
                    err.println("kw-master secrets encrypt: the value is empty (give it on standard input or with --file)");
                    return 2;
                }
                out.println(Envelope.encrypt(value, key, new SecureRandom()));
                out.flush();
                return 0;
            } catch (IOException | SecretsException e) {
                err.println("kw-master secrets encrypt: " + e.getMessage());
                return 1;
            }
        }
    }
}
