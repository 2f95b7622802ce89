package io.kraftwerk.master.cli;

import io.kraftwerk.master.ca.CaException;
import io.kraftwerk.master.ca.CaLedger;
import io.kraftwerk.master.ca.CertificateAuthority;
import io.kraftwerk.master.ca.Fingerprints;
import io.kraftwerk.master.ca.Pem;
import io.kraftwerk.master.ca.TrustedFactsExtension;
import io.kraftwerk.master.settings.DatabaseSettings;
import io.kraftwerk.master.settings.MasterPaths;
import io.kraftwerk.model.trust.TrustedFacts;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code kw-master ca list | sign NAME | revoke NAME | clean NAME | generate NAME --out DIR}: the CA on this host's files, or
 * with {@code --database} the state the masters share in PostgreSQL. A running master sees revocations on its next request
 * (another master's, within a second).
 */
@Command(name = "ca", mixinStandardHelpOptions = true, description = "Manage the certificate authority.",
        subcommands = {CaCommand.ListCommand.class, CaCommand.SignCommand.class, CaCommand.RevokeCommand.class,
                CaCommand.CleanCommand.class, CaCommand.GenerateCommand.class})
final class CaCommand {
    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "/var/lib/kraftwerk-master", scope = ScopeType.INHERIT,
            description = "The master's data directory (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--database", paramLabel = "JDBC_URL", scope = ScopeType.INHERIT,
            description = "The PostgreSQL database the masters share, as given to 'kw-master serve': the CA's requests,"
                    + " certificates and revocations are there (its key stays in the data directory).")
    String database;

    @Option(names = "--database-user", paramLabel = "USER", scope = ScopeType.INHERIT, description = "The PostgreSQL user.")
    String databaseUser;

    @Option(names = "--database-password-file", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "A file holding the PostgreSQL password.")
    Path databasePasswordFile;

    CertificateAuthority open(PrintWriter err) throws IOException, CaException {
        Path dir = new MasterPaths(dataDir).ca();
        if (!Files.exists(dir.resolve("ca_crt.pem"))) {
            throw new CaException("there is no CA in " + dir + " (kw-master serve creates it on first start; use --data-dir"
                    + " to point at the master's data directory)");
        }
        return CertificateAuthority.openOrCreate(dir, "unused", Clock.systemUTC(), CertificateAuthority.Profile.standard(),
                ledger());
    }

    /** The database's ledger with --database; null (the CA directory) without. */
    private CaLedger ledger() throws IOException, CaException {
        if (database == null) {
            return null;
        }
        DataSource source;
        try {
            source = DatabaseSettings.postgresql(database, databaseUser, databasePasswordFile);
        } catch (IllegalArgumentException e) {
            throw new CaException(e.getMessage());
        }
        return CaLedger.existingDatabase(source::getConnection, database);
    }

    /** Runs a CA action with uniform error output and exit status. */
    abstract static class Action implements Callable<Integer> {
        @picocli.CommandLine.ParentCommand
        CaCommand parent;

        @Spec
        CommandSpec spec;

        abstract void run(CertificateAuthority ca, PrintWriter out) throws IOException, CaException;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try {
                run(parent.open(err), out);
                out.flush();
                return 0;
            } catch (CaException | IOException e) {
                err.println("kw-master ca: " + e.getMessage());
                err.flush();
                return 1;
            }
        }
    }

    @Command(name = "list", description = "Show the CA, pending requests and certificates.")
    static final class ListCommand extends Action {
        @Override
        void run(CertificateAuthority ca, PrintWriter out) throws IOException, CaException {
            X509Certificate cert = ca.certificate();
            out.printf("CA %s, %s%n   valid until %s; plan its replacement before %s%n",
                    cert.getSubjectX500Principal().getName(), Fingerprints.of(cert),
                    LocalDate.ofInstant(cert.getNotAfter().toInstant(), ZoneOffset.UTC),
                    LocalDate.ofInstant(ca.attentionDate(), ZoneOffset.UTC));
            for (CertificateAuthority.Entry e : ca.list()) {
                String tail = e.status() == CertificateAuthority.Status.PENDING
                        ? "(compare with what the agent printed, then: kw-master ca sign " + e.certname() + " --fingerprint "
                                + e.fingerprint() + ")"
                        : "expires " + LocalDate.ofInstant(e.notAfter(), ZoneOffset.UTC);
                String trusted = e.trusted().isEmpty() ? "" : (e.status() == CertificateAuthority.Status.PENDING
                        ? " asks for trusted " : " trusted ") + TrustedFacts.describe(e.trusted()) + ";";
                out.printf("%-8s %-40s %s%s %s%n", e.status().name().toLowerCase(), e.certname(), e.fingerprint(), trusted, tail);
            }
        }
    }

    @Command(name = "sign", description = {"Sign a pending request, with the trusted facts it asks for and those given here.",
        "With --fingerprint, only the request whose key has that fingerprint (the one the agent printed) is signed."})
    static final class SignCommand extends Action {
        @Parameters(paramLabel = "CERTNAME")
        String certname;

        @Option(names = "--fingerprint", paramLabel = "SHA256:…",
                description = "The fingerprint the agent printed while waiting; a request for another key is not signed.")
        String fingerprint;

        @Option(names = "--trusted", paramLabel = "KEY=VALUE",
                description = "A trusted fact to put in the certificate (adds to or overrides what the request asks for); repeat.")
        List<String> trusted = new ArrayList<>();

        @Override
        void run(CertificateAuthority ca, PrintWriter out) throws IOException, CaException {
            X509Certificate cert = ca.sign(certname, fingerprint, trustedFacts(trusted));
            Map<String, String> carried = TrustedFactsExtension.of(cert);
            out.println("signed " + certname + " (" + Fingerprints.of(cert) + ")"
                    + (carried.isEmpty() ? "" : " with trusted facts " + TrustedFacts.describe(carried)));
        }
    }

    static Map<String, String> trustedFacts(List<String> assignments) throws CaException {
        try {
            return TrustedFacts.parseAll(assignments);
        } catch (IllegalArgumentException e) {
            throw new CaException(e.getMessage());
        }
    }

    @Command(name = "revoke", description = "Revoke a node's certificates; the master refuses them from its next request.")
    static final class RevokeCommand extends Action {
        @Parameters(paramLabel = "CERTNAME")
        String certname;

        @Override
        void run(CertificateAuthority ca, PrintWriter out) throws IOException, CaException {
            ca.revoke(certname);
            out.println("revoked " + certname);
        }
    }

    @Command(name = "clean", description = "Revoke and forget a node's certificate and request, so it can bootstrap again.")
    static final class CleanCommand extends Action {
        @Parameters(paramLabel = "CERTNAME")
        String certname;

        @Override
        void run(CertificateAuthority ca, PrintWriter out) throws IOException, CaException {
            ca.clean(certname);
            out.println("cleaned " + certname);
        }
    }

    @Command(name = "generate", description = {"Make a node's key here and sign its certificate at once, for provisioning"
            + " (images, test fleets). Writes private_key.pem (0600), cert.pem and ca.pem into --out: copy them to the"
            + " node's /var/lib/kraftwerk/ssl/."})
    static final class GenerateCommand extends Action {
        @Parameters(paramLabel = "CERTNAME")
        String certname;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where to write the three files.")
        Path out;

        @Option(names = "--trusted", paramLabel = "KEY=VALUE", description = "A trusted fact to put in the certificate; repeat.")
        List<String> trusted = new ArrayList<>();

        @Override
        void run(CertificateAuthority ca, PrintWriter writer) throws IOException, CaException {
            CertificateAuthority.Generated generated = ca.generate(certname, trustedFacts(trusted));
            Files.createDirectories(out);
            Path key = out.resolve("private_key.pem");
            Files.deleteIfExists(key);
            Files.createFile(key, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rw-------")));
            Files.write(key, Pem.bytes(generated.key()));
            Files.write(out.resolve("cert.pem"), Pem.bytes(generated.certificate()));
            Files.write(out.resolve("ca.pem"), Pem.bytes(ca.certificate()));
            writer.println("generated " + certname + " (" + Fingerprints.of(generated.certificate()) + ") in " + out);
        }
    }
}
