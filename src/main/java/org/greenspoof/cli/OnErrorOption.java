package org.greenspoof.cli;

import org.greenspoof.store.EmbedJob;
import picocli.CommandLine.Option;

/** {@code --on-error skip|fail}: what a command that reads many audio files does with one it cannot read. */
final class OnErrorOption {
    @Option(names = "--on-error", defaultValue = "skip", paramLabel = "skip|fail",
            converter = LowerCaseEnum.OnErrorSpelling.class, completionCandidates = LowerCaseEnum.OnErrorSpelling.class,
            description = "An unreadable file is reported and skipped (skip) or stops the run (fail).")
    EmbedJob.OnError mode;
}
