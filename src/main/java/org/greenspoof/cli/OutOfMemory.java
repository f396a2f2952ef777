package org.greenspoof.cli;

import java.util.Locale;

/** What to tell a user whose input did not fit in the Java heap. */
final class OutOfMemory {
    private OutOfMemory() {
    }

    /**
     * Heap an encoder needs per second of audio on top of its weights: the activation workspace
     * (~20 KB per frame at 50 frames/s, README "Memory") plus the decoded and resampled samples.
     */
    static final double MIB_PER_AUDIO_SECOND = 1.5;

    static String advice() {
        long max = Runtime.getRuntime().maxMemory();
        return String.format(Locale.ROOT, "out of memory: the input needs more than the %d MiB of Java heap this JVM has "
                        + "(an encoder needs its weights, e.g. ~360 MiB for wav2vec2-base, plus about %.1f MiB per second "
                        + "of the longest file and per thread; LFCC much less). Raise the heap with "
                        + "GREENSPOOF_JAVA_OPTS=-Xmx%dg tools/greenspoof ..., or use fewer --threads.",
                max / (1024 * 1024), MIB_PER_AUDIO_SECOND, Math.max(2, 2 * (max >> 30) + 2));
    }
}
