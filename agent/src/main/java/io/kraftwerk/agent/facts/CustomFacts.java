package io.kraftwerk.agent.facts;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Custom facts, like Facter's external facts: what the files and executables in
 * {@code /etc/kraftwerk/facts.d} say of the node, sent under {@code custom} in its facts and read in
 * manifests as {@code ${facts.custom.rack}}. A {@code .json}, {@code .yaml}/{@code .yml} or
 * {@code .txt} (KEY=VALUE lines) file is read; any other executable file is run, and prints one of
 * those. Each top-level key is a fact. Entries are taken in name order, and a fact two of them give
 * is the first one's. Hidden files and what editors and dpkg leave behind are passed over.
 *
 * <p>Nothing here stops a run: each problem is one line naming the file and what to do, and only
 * what has it is left out (the source, or for a bad name or value that fact alone). Time and size
 * are bounded ({@link Limits}) so that the facts stay well inside what the master accepts (1 MiB by
 * default) and a stuck program cannot hold up the run. Who may put files here: see
 * {@link FactsDirectory}.
 */
public final class CustomFacts {
    /** Where custom facts sit among the node's facts; no built-in fact has this name. */
    public static final String KEY = "custom";
    /** The directory, relative to the root the facts are read from. */
    public static final Path DIRECTORY = Path.of("etc/kraftwerk/facts.d");
    private static final int ERRORS_PER_SOURCE = 10;

    /**
     * Bounds of one reading of facts.d.
     *
     * @param programTimeout  the longest one executable may run
     * @param programsTimeout the longest all of facts.d may take; executables after that are not run
     * @param sourceBytes     the most read from one file or one executable's output, and the most
     *                        its facts may take in the facts document
     * @param totalBytes      the most all custom facts together may take in the facts document
     * @param maxSources      the most entries read; the rest (in name order) are not
     */
    public record Limits(Duration programTimeout, Duration programsTimeout, int sourceBytes, int totalBytes, int maxSources) {
        /** 10 s each and 60 s in all; 64 KiB a source and 256 KiB in all, a quarter of the master's 1 MiB; 64 sources. */
        public static final Limits STANDARD = new Limits(Duration.ofSeconds(10), Duration.ofSeconds(60), 64 * 1024, 256 * 1024,
                64);

        /** "64 KiB", or "300 bytes": for messages. */
        static String size(int bytes) {
            return bytes % 1024 == 0 ? bytes / 1024 + " KiB" : bytes + " bytes";
        }
    }

    /**
     * What facts.d gave.
     *
     * @param facts  by name, to go under {@code custom}
     * @param errors one line each, naming the file: what is wrong and what was left out
     */
    public record Result(Map<String, Object> facts, List<String> errors) {
    }

    private final Path root;
    private final Limits limits;

    /** @param root the file system root facts.d is read from ({@code /}, or a test tree), trusted as it is */
    public CustomFacts(Path root, Limits limits) {
        this.root = root;
        this.limits = limits;
    }

    public Result read() {
        Map<String, Object> facts = new TreeMap<>();
        List<String> errors = new ArrayList<>();
        try {
            Optional<FactsDirectory> dir = FactsDirectory.open(root, root.resolve(DIRECTORY));
            if (dir.isPresent()) {
                readAll(dir.get(), facts, errors);
            }
        } catch (SourceException e) {
            errors.add(e.getMessage());
        }
        return new Result(facts, List.copyOf(errors));
    }

    /** Editors' backups and swap files, and the copies dpkg and ucf keep of changed configuration files. */
    static boolean passedOver(String name) {
        return name.startsWith(".") || name.endsWith("~") || name.startsWith("#") && name.endsWith("#")
                || name.contains(".dpkg-") || name.contains(".ucf-");
    }

    private void readAll(FactsDirectory dir, Map<String, Object> facts, List<String> errors) {
        List<String> names;
        try {
            names = dir.names().stream().filter(n -> !passedOver(n)).sorted().toList();
        } catch (IOException e) {
            errors.add(dir.path() + ": cannot be listed, so no custom facts are read: " + e.getMessage());
            return;
        }
        if (names.size() > limits.maxSources()) {
            errors.add(dir.path() + ": has " + names.size() + " entries, more than the " + limits.maxSources() + " read: those"
                    + " after " + names.get(limits.maxSources() - 1) + " are not (merge some)");
            names = names.subList(0, limits.maxSources());
        }
        Map<String, Path> givenBy = new HashMap<>();
        long deadline = System.nanoTime() + limits.programsTimeout().toNanos();
        int total = 0;
        for (String name : names) {
            Path shown = dir.path().resolve(name);
            List<String> problems = new ArrayList<>();
            try {
                Map<String, Object> taken = new TreeMap<>();
                given(dir, name, shown, deadline, problems).forEach((fact, value) -> {
                    Path first = givenBy.get(fact);
                    if (first != null) {
                        problems.add(shown + ": '" + fact + "' is also given by " + first + ", which comes first in name"
                                + " order: this one is left out (give each fact in one place)");
                    } else {
                        taken.put(fact, value);
                    }
                });
                int bytes = taken.isEmpty() ? 0 : FactValues.documentBytes(taken);
                if (total + bytes > limits.totalBytes()) {
                    throw new SourceException("its facts would take all custom facts past " + Limits.size(limits.totalBytes())
                            + ", the most a node sends: left out (keep bulky data out of facts)");
                }
                total += bytes;
                facts.putAll(taken);
                taken.keySet().forEach(fact -> givenBy.put(fact, shown));
            } catch (SourceException e) {
                problems.add(shown + ": " + e.getMessage());
            } catch (FactsFormat.FormatException e) {
                problems.add(shown + e.located());
            } catch (IOException e) {
                problems.add(shown + ": cannot be read: " + e.getMessage());
            }
            errors.addAll(problems.subList(0, Math.min(problems.size(), ERRORS_PER_SOURCE)));
            if (problems.size() > ERRORS_PER_SOURCE) {
                errors.add(shown + ": " + (problems.size() - ERRORS_PER_SOURCE) + " more errors like these");
            }
        }
    }

    /** The facts one entry gives; {@code problems} gets what it leaves out, whole lines. */
    private Map<String, Object> given(FactsDirectory dir, String name, Path shown, long deadline, List<String> problems)
            throws SourceException, FactsFormat.FormatException, IOException {
        FactsDirectory.Source source = dir.source(name, limits.sourceBytes());
        Object document;
        if (source instanceof FactsDirectory.Data data) {
            document = parse(data.format(), FactsFormat.text(data.content()));
        } else {
            String output = FactsProgram.run(((FactsDirectory.Program) source).executable(), timeout(deadline),
                    limits.sourceBytes()).stdout();
            try {
                document = parse(FactsFormat.ofOutput(output), output);
            } catch (FactsFormat.FormatException e) {
                throw new SourceException(e.inOutput());
            }
        }
        List<String> left = new ArrayList<>();
        Map<String, Object> facts = FactValues.of(document, limits.sourceBytes(), left);
        left.forEach(p -> problems.add(shown + ": " + p));
        return facts;
    }

    private static Object parse(FactsFormat format, String text) throws FactsFormat.FormatException {
        return text.isBlank() ? null : format.parse(text);
    }

    /** One executable's time: its own bound, or what is left of facts.d's when less. */
    private Duration timeout(long deadline) throws SourceException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new SourceException("not run: the entries before it took the " + FactsProgram.seconds(limits.programsTimeout())
                    + " all of facts.d may take (make them faster)");
        }
        return left < limits.programTimeout().toNanos() ? Duration.ofNanos(left) : limits.programTimeout();
    }
}
