package io.kraftwerk.master.cli;

import java.net.URI;
import picocli.CommandLine.Option;

/** {@code --server URL}: the running master that {@code diff} and {@code rollout} ask (see {@link RunningMaster}). */
final class ServerOption {
    @Option(names = "--server", paramLabel = "URL", defaultValue = "https://localhost:8140",
            description = "The running master's URL, with a name its certificate carries (default: ${DEFAULT-VALUE}).")
    URI url;
}
