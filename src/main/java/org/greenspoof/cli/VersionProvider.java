package org.greenspoof.cli;

import picocli.CommandLine;

final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = GreenspoofCli.class.getPackage().getImplementationVersion();
        return new String[] {"greenspoof " + (v == null ? "dev" : v)};
    }
}
