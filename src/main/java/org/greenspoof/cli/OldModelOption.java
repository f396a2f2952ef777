package org.greenspoof.cli;

import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --model DIR}, the old spelling of {@code --encoder}, hidden and kept working for existing
 * scripts. It sets the {@code --encoder} of whatever it is mixed into, which declares that option
 * with its own help.
 */
final class OldModelOption {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--model", hidden = true, paramLabel = "DIR")
    void set(Path dir) {
        mixee.findOption("--encoder").setValue(dir);
    }
}
