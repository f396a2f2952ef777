package org.greenspoof.audio;

import java.nio.file.Path;
import java.util.Locale;
import org.greenspoof.io.FileFormatException;

/**
 * What the decoders accept, checked at the header before anything is sized from it: a sample rate
 * in the range speech audio is recorded at, and at most {@link #maxSeconds()} of audio. Without
 * these a 55-byte file declaring 1 Hz made the resampler upsample 16,000 times (gigabytes), and a
 * small file of CONSTANT FLAC frames decoded to hours of samples.
 *
 * @param maxSeconds longest audio decoded, in seconds (command-line option {@code --max-seconds})
 */
public record AudioLimits(double maxSeconds) {
    /**
     * Lowest sample rate read: below telephone band (8 kHz) only toy files exist, and it keeps the
     * upsampling to 16 kHz at most 4x.
     */
    public static final int MIN_RATE = 4000;
    /**
     * Highest sample rate read: the top rate of studio interfaces (8x 48 kHz); it keeps the
     * downsampling ratio to 16 kHz at 24 and the resampler's filter bank small.
     */
    public static final int MAX_RATE = 384000;
    /**
     * Default longest audio: ten minutes, far above every utterance of the supported corpora (seconds
     * to tens of seconds) while bounding the memory of a whole decode (linear) and encoder time
     * (quadratic in the length). A streamed decode ({@link AudioReader#open}) holds bounded memory
     * whatever the length; there the limit bounds the time a file can take.
     */
    public static final double DEFAULT_MAX_SECONDS = 600;
    public static final AudioLimits DEFAULT = new AudioLimits(DEFAULT_MAX_SECONDS);

    public AudioLimits {
        if (!(maxSeconds > 0) || Double.isInfinite(maxSeconds)) {
            throw new IllegalArgumentException("--max-seconds must be a positive number of seconds, not " + maxSeconds);
        }
    }

    /** Most frames (samples per channel) at {@code sampleRate}: {@link #maxSeconds()} of them. */
    public long maxFrames(int sampleRate) {
        return (long) Math.floor(maxSeconds * sampleRate);
    }

    /** Refuses a rate outside [{@link #MIN_RATE}, {@link #MAX_RATE}]; {@code offset} is where the header holds it. */
    public static void checkRate(Path file, long offset, long sampleRate) throws FileFormatException {
        if (sampleRate < MIN_RATE || sampleRate > MAX_RATE) {
            throw new FileFormatException(file, offset, "a sample rate from " + MIN_RATE + " to " + MAX_RATE
                    + " Hz, found " + sampleRate + " Hz");
        }
    }

    /** Refuses {@code frames} beyond {@link #maxFrames(int)}; {@code offset} is where the length is declared. */
    public void checkFrames(Path file, long offset, long frames, int sampleRate) throws FileFormatException {
        if (frames > maxFrames(sampleRate)) {
            throw new FileFormatException(file, offset, String.format(Locale.ROOT,
                    "at most %s s of audio (--max-seconds), found %d frames at %d Hz (%.1f s)", seconds(maxSeconds),
                    frames, sampleRate, (double) frames / sampleRate));
        }
    }

    private static String seconds(double s) {
        return s == Math.rint(s) ? Long.toString((long) s) : Double.toString(s);
    }
}
