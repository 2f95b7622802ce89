package io.kraftwerk.agent.provider;

import io.kraftwerk.model.resource.WsgiReleaseResource;
import java.io.IOException;

/**
 * Fills an app's data dirs and databases from the dump its {@code restore_from} names, when its
 * first release is deployed on this node (a stage copy starting from the live site's data).
 */
public interface DataRestorer {
    /**
     * @return what was restored, for the run's log, or empty when there is no dump to restore yet (the
     *         app starts with empty data)
     * @throws ProviderException when the dump cannot be had or loaded (the master refuses it, it does
     *         not check out): nothing of the app's data was replaced
     */
    String restore(WsgiReleaseResource release, ProviderContext context) throws IOException, ProviderException, InterruptedException;

    /** A run without a master (kw-agent apply FILE): nothing to restore from. */
    DataRestorer NONE = (release, context) -> "";
}
