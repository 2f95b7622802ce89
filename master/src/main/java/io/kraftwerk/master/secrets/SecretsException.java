package io.kraftwerk.master.secrets;

/** An encrypted value that cannot be read or made: what is wrong, never the value. */
public final class SecretsException extends Exception {
    public SecretsException(String message) {
        super(message);
    }
}
