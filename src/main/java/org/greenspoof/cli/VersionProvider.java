package org.greenspoof.cli;

import org.greenspoof.Version;
import picocli.CommandLine;

final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"greenspoof " + Version.text()};
    }
}
