package org.greenspoof.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --classifier} and the encoder it was trained on: what detect and serve load a Detector from. */
final class ClassifierOptions {
    @Option(names = "--encoder", paramLabel = "DIR",
            description = "Encoder checkpoint folder the classifier was trained on (omit for an LFCC classifier).")
    Path encoder;

    /** The old spelling of --encoder, kept working for existing scripts. */
    @Option(names = "--model", hidden = true, paramLabel = "DIR")
    void oldModelOption(Path dir) {
        encoder = dir;
    }

    @Option(names = "--classifier", required = true, paramLabel = "CLASSIFIER.json", description = "Classifier file from train.")
    Path classifier;
}
