package org.greenspoof.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --classifier CLASSIFIER.json}, the classifier file train wrote, of every command that applies one. */
final class ClassifierFileOption {
    @Option(names = "--classifier", required = true, paramLabel = "CLASSIFIER.json", description = "Classifier file from train.")
    Path file;
}
