package io.kraftwerk.master.artifacts;

/** Why the store refused or could not do something, worded for the operator or the CI job that asked. */
public final class ArtifactException extends Exception {
    /** Whose fault: the request's (400), too large (413), already stored otherwise (409), or the master's own (500). */
    public enum Kind {
        BAD_REQUEST(400), TOO_LARGE(413), CONFLICT(409), FAILED(500);

        private final int status;

        Kind(int status) {
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private final Kind kind;

    public ArtifactException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public ArtifactException(String message, Throwable cause) {
        super(message, cause);
        this.kind = Kind.FAILED;
    }

    public static ArtifactException badRequest(String message) {
        return new ArtifactException(Kind.BAD_REQUEST, message);
    }

    public Kind kind() {
        return kind;
    }
}
