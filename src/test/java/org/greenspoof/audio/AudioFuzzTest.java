package org.greenspoof.audio;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import org.greenspoof.audio.flac.FlacDecoder;
import org.greenspoof.fuzz.Outcomes;
import org.greenspoof.io.FileFormatException;

/**
 * Fuzz targets for the audio readers. Plain {@code mvn test} replays the seeds and past findings in
 * {@code src/test/resources/org/greenspoof/audio/AudioFuzzTestInputs/}; {@code JAZZER_FUZZ=1} fuzzes
 * (see README, Reliability). Allowed outcome: decoded audio at a rate the resampler takes (within
 * {@link AudioLimits}) and at most {@link AudioLimits#DEFAULT_MAX_SECONDS} long, or a
 * FileFormatException naming the file.
 */
class AudioFuzzTest {
    private static final Path DIR = Outcomes.scratch("audio");

    @FuzzTest(maxDuration = "10m")
    void wav(byte[] data) throws Exception {
        Path f = Outcomes.write(DIR, "fuzz.wav", data);
        Outcomes.only(f, () -> check(WavReader.read(f)), FileFormatException.class);
    }

    @FuzzTest(maxDuration = "10m")
    void flac(byte[] data) throws Exception {
        Path f = Path.of("fuzz.flac");
        Outcomes.only(f, () -> check(FlacDecoder.decode(data, f)), FileFormatException.class);
    }

    /** JLayer behind our frame checks: anything JLayer throws must come out as a FileFormatException at a frame. */
    @FuzzTest(maxDuration = "10m")
    void mp3(byte[] data) throws Exception {
        Path f = Outcomes.write(DIR, "fuzz.mp3", data);
        Outcomes.only(f, () -> check(Mp3Reader.read(f, AudioLimits.DEFAULT)), FileFormatException.class);
    }

    /** JOrbis behind our page checks: likewise only a FileFormatException. */
    @FuzzTest(maxDuration = "10m")
    void ogg(byte[] data) throws Exception {
        Path f = Outcomes.write(DIR, "fuzz.ogg", data);
        Outcomes.only(f, () -> check(OggVorbisReader.read(f, AudioLimits.DEFAULT)), FileFormatException.class);
    }

    /** What the commands rely on when they resample the result (the resampler itself is not fuzzed: its filter design dominates). */
    private static void check(PcmAudio a) {
        if (a.sampleRate() < AudioLimits.MIN_RATE || a.sampleRate() > AudioLimits.MAX_RATE
                || a.frames() > AudioLimits.DEFAULT.maxFrames(a.sampleRate())) {
            throw new AssertionError("decoded outside the limits: " + a.sampleRate() + " Hz, " + a.frames() + " frames");
        }
        a.toMonoFloat();
    }
}
