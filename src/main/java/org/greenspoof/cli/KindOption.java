package org.greenspoof.cli;

import org.greenspoof.classify.ClassifierKind;
import org.greenspoof.classify.LogisticRegression;
import picocli.CommandLine.Option;

/**
 * {@code --kind KIND} of the commands that train one classifier (train, demo), and its hidden old
 * spelling {@code --classifier KIND}, kept for existing scripts (elsewhere {@code --classifier}
 * names a classifier file).
 */
final class KindOption {
    // An initial value, not defaultValue: picocli applies a defaultValue after parsing, over what the old spelling set.
    @Option(names = "--kind", paramLabel = "KIND", converter = KindConverter.class,
            completionCandidates = KindConverter.Names.class,
            description = "Classifier kind to train: ${COMPLETION-CANDIDATES}.")
    ClassifierKind<?> kind = LogisticRegression.KIND;

    @Option(names = "--classifier", hidden = true, paramLabel = "KIND", converter = KindConverter.class)
    void oldSpelling(ClassifierKind<?> k) {
        kind = k;
    }
}
