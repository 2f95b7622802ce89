package io.kraftwerk.agent.provider.release;

import io.kraftwerk.agent.provider.ProviderException;

/**
 * A release that failed on its own account — pip could not install its requirements, or it did not
 * pass its health check — and would fail the same way again: it is recorded and not built again
 * until it changes. Anything else (an artifact the master could not send, runsv slow to appear) is
 * tried again on the next run.
 */
final class ReleaseFailed extends ProviderException {
    ReleaseFailed(String message) {
        super(message);
    }
}
