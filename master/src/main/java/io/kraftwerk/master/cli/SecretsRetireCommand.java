package io.kraftwerk.master.cli;

import io.kraftwerk.master.secrets.Envelope;
import io.kraftwerk.master.secrets.SecretsException;
import io.kraftwerk.master.secrets.SecretsKey;
import io.kraftwerk.master.secrets.SecretsKeys;
import io.kraftwerk.master.settings.MasterPaths;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kw-master secrets retire KEYID}: a key stops decrypting, after rotation has given every
 * value a newer one. Its file is moved aside, not deleted, as a value still encrypted to it (on a
 * branch nobody checked, in an old commit deployed again) would otherwise be lost for good.
 */
@Command(name = "retire", mixinStandardHelpOptions = true,
        description = {"Stop a key from decrypting: its file moves to DATA/secrets/retired/, where the master no longer looks.",
            "Refuses the current key (rotate first) and, with --manifests, a key that a value of that working copy (its",
            "checked-out branch only: check every branch you deploy) is still encrypted to; --force skips that check."})
final class SecretsRetireCommand extends SecretsCommand.Subcommand {
    /** How many places still using the key are named: enough to start with, not a whole repository. */
    private static final int USES_SHOWN = 10;

    @Parameters(index = "0", paramLabel = "KEYID", description = "The id of the key to retire (kw-master secrets keys lists them).")
    String keyId;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Check check;

    /** Either a working copy to look for values that still need the key, or the operator's word that none do. */
    static final class Check {
        @Option(names = "--manifests", paramLabel = "DIR", required = true,
                description = "A working copy of the manifests: refuse while any of its files holds a value encrypted to KEYID.")
        Path manifests;

        @Option(names = "--force", required = true, description = "Retire without looking for values that still need the key.")
        boolean force;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            SecretsKeys keys = new SecretsKeys(new MasterPaths(dataDir).secrets());
            String refusal = refusal(keys);
            if (refusal != null) {
                err.println("kw-master secrets retire: " + refusal);
                return 1;
            }
            Path retired = keys.retire(keyId);
            out.println("retired key " + keyId + ": values encrypted to it no longer decrypt. Its file is now " + retired
                    + " (0600): moving it back undoes this, deleting it destroys the key for good.");
            out.flush();
            return 0;
        } catch (IOException | SecretsException e) {
            err.println("kw-master secrets retire: " + e.getMessage() + " (the key was not retired)");
            return 1;
        }
    }

    /** Why the key must stay, or null. */
    private String refusal(SecretsKeys keys) throws IOException, SecretsException {
        List<String> ids = keys.ids();
        if (!ids.contains(keyId)) {
            return keys.retiredIds().contains(keyId) ? "key " + keyId + " is already retired"
                    : "there is no key " + keyId + " in " + keys.dir() + "; its keys are "
                            + (ids.isEmpty() ? "none" : String.join(", ", ids));
        }
        Optional<SecretsKey> current = keys.current();
        if (current.isPresent() && current.get().id().equals(keyId)) {
            return "key " + keyId + " is the current key, which new values are encrypted to: rotate first"
                    + " (kw-master secrets rotate --manifests WORKING_COPY), then retire it";
        }
        if (check.force) {
            return null;
        }
        List<String> uses = uses(check.manifests);
        if (uses.isEmpty()) {
            return null;
        }
        return "key " + keyId + " still decrypts " + uses.size() + " value(s): " + String.join(", ", uses.subList(0,
                Math.min(USES_SHOWN, uses.size()))) + (uses.size() > USES_SHOWN ? " and " + (uses.size() - USES_SHOWN)
                + " more" : "") + " (re-encrypt them with kw-master secrets rotate, commit and deploy, then retire the key;"
                + " --force retires it anyway)";
    }

    /** Every FILE:LINE of the working copy holding a value encrypted to the key. */
    private List<String> uses(Path manifests) throws IOException {
        List<String> uses = new ArrayList<>();
        for (Path file : SecretsCommand.workingCopyFiles(manifests)) {
            String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1); // byte for byte; envelopes are ASCII
            Matcher m = Envelope.PATTERN.matcher(text);
            int line = 1;
            int counted = 0;
            while (m.find()) {
                for (; counted < m.start(); counted++) {
                    line += text.charAt(counted) == '\n' ? 1 : 0;
                }
                if (m.group(2).equals(keyId)) {
                    uses.add(manifests.relativize(file) + ":" + line);
                }
            }
        }
        return uses;
    }
}
