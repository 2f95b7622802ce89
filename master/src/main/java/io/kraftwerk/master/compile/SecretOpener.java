package io.kraftwerk.master.compile;

/**
 * Opens the {@code ENC[...]} values a compile meets, as a compile input (like {@link ArtifactIndex}):
 * the master passes one that decrypts with its keys, {@code lint} one that only checks the form
 * and key id (it has no private key), {@code compile} one that shows {@code [sensitive]}. The
 * compiler asks only for values that go into the catalog being compiled, so a node whose catalog
 * uses no secret makes nothing be decrypted.
 */
public interface SecretOpener {
    /** What a value opens to where it is not shown: lint, and compile without --show-secrets. */
    String PLACEHOLDER = "[sensitive]";

    /** Where an encrypted value starts; a value that holds it elsewhere is refused (it must stand alone). */
    String PREFIX = "ENC[";

    /** A compile without secrets: every encrypted value is an error saying so. */
    SecretOpener NONE = (envelope, environment) -> {
        throw new Unopenable("this compile has no secrets key to decrypt the value",
                "compile on the master, or use 'kw-master lint', which checks encrypted values without the key");
    };

    /** Opens with {@code verifying} (so a value that cannot be opened is still an error) but gives the placeholder. */
    static SecretOpener placeholders(SecretOpener verifying) {
        return (envelope, environment) -> {
            verifying.open(envelope, environment);
            return PLACEHOLDER;
        };
    }

    /**
     * Whether what this compile prints may show secrets: only {@code kw-master compile --show-secrets}
     * (root on the master). Then a template that read a secret reports its error as usual.
     */
    default boolean showsSecrets() {
        return false;
    }

    /**
     * @param envelope    the value as written, {@code ENC[...]}
     * @param environment the environment of the catalog being compiled (a value may be scoped to some)
     * @return the value it holds (or a placeholder, for openers that do not decrypt)
     * @throws Unopenable why not: the message says which key it names and what the master has
     */
    String open(String envelope, String environment) throws Unopenable;

    /** A value that cannot be opened; its message and hint never hold any part of the value. */
    final class Unopenable extends Exception {
        private final String hint;

        public Unopenable(String message, String hint) {
            super(message);
            this.hint = hint;
        }

        public String hint() {
            return hint;
        }
    }
}
