package io.kraftwerk.master.settings;

import java.nio.file.Path;

/** Where the master keeps things under its data directory. */
public record MasterPaths(Path dataDir) {
    public Path ca() {
        return dataDir.resolve("ca");
    }

    public Path serverKey() {
        return dataDir.resolve("tls/server_key.pem");
    }

    public Path serverCertificate() {
        return dataDir.resolve("tls/server_crt.pem");
    }

    public Path adminToken() {
        return dataDir.resolve("admin.token");
    }

    public Path reports() {
        return dataDir.resolve("reports");
    }

    /** The artifact store: wheels and source archives by SHA-256. */
    public Path artifacts() {
        return dataDir.resolve("artifacts");
    }

    /** The secrets keys: private keys 0600 in a 0700 directory, never served. */
    public Path secrets() {
        return dataDir.resolve("secrets");
    }

    /** App data dumps nodes pushed, encrypted: see dumps.DumpStore. */
    public Path dumps() {
        return dataDir.resolve("dumps");
    }

    /** Where alerts go (optional): see notify.Webhooks. */
    public Path webhooks() {
        return dataDir.resolve("webhooks.yaml");
    }

    /** What JGit measured of the data directory's file system (see manifest.QuietJGit): measured once, not at every start. */
    public Path jgitConfig() {
        return dataDir.resolve("jgit.config");
    }

    public Path manifestsMirror() {
        return dataDir.resolve("manifests.git");
    }
}
