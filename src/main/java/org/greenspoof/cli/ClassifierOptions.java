package org.greenspoof.cli;

import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code --classifier} and the encoder it was trained on: what detect and serve load a Detector from. */
final class ClassifierOptions {
    @Option(names = "--encoder", paramLabel = "DIR",
            description = "Encoder checkpoint folder the classifier was trained on (omit for an LFCC classifier).")
    Path encoder;

    @Mixin
    OldModelOption oldSpelling;

    @Mixin
    ClassifierFileOption classifier;
}
