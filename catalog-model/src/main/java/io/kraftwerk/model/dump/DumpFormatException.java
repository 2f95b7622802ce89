package io.kraftwerk.model.dump;

/** A dump archive that is not what its manifest says, or not a dump archive at all: nothing of it may be used. */
public final class DumpFormatException extends Exception {
    public DumpFormatException(String message) {
        super(message);
    }
}
