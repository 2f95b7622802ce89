package io.kraftwerk.master.secrets;

import io.kraftwerk.master.compile.SecretOpener;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks encrypted values without any private key, for {@code kw-master lint} in CI: the form of
 * each value, and that it names a key the site's public keys ({@code secrets.pub}) list. What it
 * gives the compiler is the placeholder {@code [sensitive]}, so everything else of the catalog is
 * checked as usual and nothing secret can reach the output.
 */
public final class CheckingOpener implements SecretOpener {
    private final Set<String> known;
    private final String knownFrom;
    private final Set<String> seen = new TreeSet<>();

    /**
     * @param known     the key ids values may name; null checks the form only
     * @param knownFrom where those ids come from, for messages
     */
    public CheckingOpener(Set<String> known, String knownFrom) {
        this.known = known == null ? null : Set.copyOf(known);
        this.knownFrom = knownFrom;
    }

    /** The file of a site that lists the public keys its values may be encrypted to. */
    public static final String SITE_KEYS = "secrets.pub";

    /**
     * A checker for a site: against the keys of its {@code secrets.pub} when it has one, else of the form only.
     *
     * @throws SecretsException when {@code secrets.pub} is there but not a list of public keys
     */
    public static CheckingOpener forSite(Optional<byte[]> siteKeys) throws SecretsException {
        if (siteKeys.isEmpty()) {
            return new CheckingOpener(null, null);
        }
        Set<String> ids = new TreeSet<>();
        PublicKeyLine.parseAll(new String(siteKeys.get(), StandardCharsets.UTF_8), SITE_KEYS).forEach(k -> ids.add(k.id()));
        return new CheckingOpener(ids, SITE_KEYS);
    }

    @Override
    public synchronized String open(String envelope, String environment) throws Unopenable {
        String id = checkedKeyId(envelope, environment);
        if (known != null && !known.contains(id)) {
            throw new Unopenable("the value is encrypted to key " + id + ", which " + knownFrom + " does not list (it lists "
                    + String.join(", ", new TreeSet<>(known)) + ")",
                    "encrypt it again to the site's key: kw-master secrets encrypt --public-key secrets.pub");
        }
        seen.add(id);
        return PLACEHOLDER;
    }

    /**
     * What every opener checks before any key: the value's form, and that it may open in the
     * catalog's environment. Returns the key id it names.
     */
    static String checkedKeyId(String envelope, String environment) throws Unopenable {
        String id;
        List<String> environments;
        try {
            id = Envelope.checkForm(envelope);
            environments = Envelope.environments(envelope);
        } catch (SecretsException e) {
            throw new Unopenable(e.getMessage(), "paste the output of 'kw-master secrets encrypt' whole, as one value");
        }
        if (!environments.isEmpty() && !environments.contains(environment)) {
            throw new Unopenable("the value is encrypted for environment " + String.join(" and ", environments)
                    + " only, and this catalog is for environment " + environment,
                    "a value of another environment's branch is not opened here; encrypt one for this environment"
                            + " (kw-master secrets encrypt --environment " + environment + ")");
        }
        return id;
    }

    /** Whether key ids were checked, or only the form. */
    public boolean checksKeyIds() {
        return known != null;
    }

    /** The key ids of the values met so far. */
    public synchronized List<String> seen() {
        return List.copyOf(seen);
    }
}
