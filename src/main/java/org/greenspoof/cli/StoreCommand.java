package org.greenspoof.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code greenspoof store}: work on embedding stores as a whole. */
@Command(name = "store", mixinStandardHelpOptions = true,
        description = "Work on embedding stores as a whole.",
        subcommands = {StoreMergeCommand.class})
final class StoreCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
