package io.kraftwerk.master.cli;

import picocli.CommandLine;

/** The version from the jar manifest (set by the build), or "development" when run from classes. */
final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = KwMaster.class.getPackage().getImplementationVersion();
        return new String[] {"kw-master " + (version == null ? "development" : version)};
    }
}
