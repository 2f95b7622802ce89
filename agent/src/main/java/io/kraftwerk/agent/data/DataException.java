package io.kraftwerk.agent.data;

/** A dump or a load that cannot be done, with what and how to fix it; nothing was replaced. */
public final class DataException extends Exception {
    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
