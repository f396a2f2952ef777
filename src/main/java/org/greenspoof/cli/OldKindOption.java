package org.greenspoof.cli;

import org.greenspoof.classify.ClassifierKind;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --classifier KIND}, the old spelling of {@code --kind} in the commands that train (hidden:
 * elsewhere {@code --classifier} names a classifier file). It sets the {@code --kind} of whatever it
 * is mixed into. That {@code --kind} takes an initial value, not a defaultValue: picocli applies a
 * defaultValue after parsing, over what this alias set.
 */
final class OldKindOption {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--classifier", hidden = true, paramLabel = "KIND", converter = KindConverter.class)
    void set(ClassifierKind<?> kind) {
        mixee.findOption("--kind").setValue(kind);
    }
}
