package io.kraftwerk.master.ca;

/** A CA operation that cannot be done, with a message fit for an operator or an HTTP answer. */
public class CaException extends Exception {
    private static final long serialVersionUID = 1L;

    public CaException(String message) {
        super(message);
    }

    /** What kind of refusal a request met, beyond a malformed request. */
    public enum Kind {
        /** The name is taken: a valid, revoked or expired certificate, or a pending request with another key. */
        CONFLICT,
        /** The name may never be given to a node (one of the master's own). */
        FORBIDDEN,
        /** The CA holds as many pending requests as it may: try later. */
        FULL
    }

    /** A well-formed request the CA will not take now, and why. */
    public static final class Refused extends CaException {
        private static final long serialVersionUID = 1L;
        private final Kind kind;

        public Refused(Kind kind, String message) {
            super(message);
            this.kind = kind;
        }

        public Kind kind() {
            return kind;
        }
    }
}
