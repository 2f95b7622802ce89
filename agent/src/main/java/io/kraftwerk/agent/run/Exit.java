package io.kraftwerk.agent.run;

/**
 * The exit status of a run that did not start, beside those of one that did (0 nothing to do, 2
 * changes, 4 failures, 6 both: {@link io.kraftwerk.agent.engine.Engine#exitCode}).
 */
public final class Exit {
    /** No catalog, no certificate, bad settings, or another run held the lock too long. */
    public static final int NOT_RUN = 1;

    private Exit() {
    }
}
