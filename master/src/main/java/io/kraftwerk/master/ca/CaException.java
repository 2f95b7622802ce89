package io.kraftwerk.master.ca;

/** A CA operation that cannot be done, with a message fit for an operator or an HTTP answer. */
public class CaException extends Exception {
    public CaException(String message) {
        super(message);
    }
}
