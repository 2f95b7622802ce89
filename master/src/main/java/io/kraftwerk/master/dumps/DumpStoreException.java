package io.kraftwerk.master.dumps;

/** A dump or an upload that cannot be taken or read, with the reason for the node or the operator. */
public final class DumpStoreException extends Exception {
    private final int status;

    public DumpStoreException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** The HTTP status that says it: 400 for a bad upload, 404 for none, 409 for one in another state, 500 for damage. */
    public int status() {
        return status;
    }
}
