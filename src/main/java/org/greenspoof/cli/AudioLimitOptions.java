package org.greenspoof.cli;

import org.greenspoof.audio.AudioLimits;
import picocli.CommandLine.Option;

/** {@code --max-seconds}: the longest audio a command decodes (see {@link AudioLimits}). */
final class AudioLimitOptions {
    @Option(names = "--max-seconds", paramLabel = "S", defaultValue = "600",
            description = "Longest audio file decoded, in seconds; longer files are refused before decoding "
                    + "(sample rates outside 4-384 kHz always are).")
    double maxSeconds;

    AudioLimits limits() {
        return new AudioLimits(maxSeconds);
    }
}
