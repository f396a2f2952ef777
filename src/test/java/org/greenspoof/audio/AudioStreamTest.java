package org.greenspoof.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.greenspoof.io.FileFormatException;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The streamed decode gives exactly the whole-file samples, and damaged files fail with exactly
 * the whole-file read's error, for files sox, flac, lame and oggenc write.
 */
class AudioStreamTest {
    /** Largest read a test asks for: bites from 1 sample to this, so reads straddle every block edge. */
    private static final int MAX_BITE = 5000;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}, {1} Hz, {2} ch, {3}")
    @CsvSource({
        "wav, 16000, 1, -b 16", "wav, 8000, 2, -b 8", "wav, 22050, 1, -b 24", "wav, 44100, 2, -b 32",
        "wav, 48000, 2, -e floating-point -b 32", "wav, 16000, 1, -e floating-point -b 64",
        "flac, 16000, 1, -b 16", "flac, 44100, 2, -b 16", "flac, 48000, 1, -b 24", "flac, 22050, 2, -b 24",
        "flac, 8000, 1, -b 8", "mp3, 44100, 2, -C 128", "mp3, 22050, 1, -C 32", "mp3, 8000, 1, -C 8",
        "mp3, 48000, 2, -C 320", "ogg, 22050, 1, -C 3", "ogg, 44100, 2, -C 6", "ogg, 8000, 1, -C 0",
        "ogg, 48000, 2, -C 10"})
    void streamEqualsWholeRead(String ext, int rate, int channels, String options) throws Exception {
        Path f = synth(ext, rate, channels, options, "7.3");
        float[] whole = AudioReader.readMono16k(f, AudioLimits.DEFAULT);
        try (AudioStream s = AudioReader.open(f, AudioLimits.DEFAULT)) {
            assertEquals(rate, s.sourceRate());
            assertEquals(channels, s.channels());
            if (s.length() >= 0) {
                assertEquals(whole.length, s.length(), "declared length");
            }
            assertArrayEquals(whole, readAll(s, new Random(rate + channels)));
        }
    }

    /** Cut short or with bytes flipped, a file fails in the stream as in the whole read: same offset, same words. */
    @ParameterizedTest(name = "{0}, {1} Hz")
    @CsvSource({"flac, 44100, 2, -b 16", "flac, 16000, 1, -b 24", "wav, 48000, 2, -b 16", "wav, 16000, 1, -b 24",
        "mp3, 44100, 2, -C 128", "mp3, 16000, 1, -C 32", "ogg, 44100, 2, -C 3", "ogg, 16000, 1, -C 5"})
    void damageFailsAsInTheWholeRead(String ext, int rate, int channels, String options) throws Exception {
        assertDamageFailsAsInTheWholeRead(synth(ext, rate, channels, options, "3"), 30);
    }

    /**
     * FLAC files larger than the streaming decoder's window (1 MiB): 40 s of 44.1 kHz stereo
     * noise, and 8 channels of 24 bits in blocks of 65535, whose frames (up to 1.4 MB) outgrow it.
     */
    @ParameterizedTest(name = "{0} Hz, {1} ch, {2}-bit, flac {3}")
    @CsvSource({"44100, 2, 16, 40, -5", "96000, 8, 24, 3, --lax -b 65535"})
    void flacBeyondTheWindow(int rate, int channels, int bits, String seconds, String flacOptions) throws Exception {
        Tools.assumeInstalled("flac");
        Path wav = synth("wav", rate, channels, "-b " + bits, seconds);
        Path f = dir.resolve("big.flac");
        List<String> cmd = new ArrayList<>(List.of("flac", "-s", "-f"));
        cmd.addAll(List.of(flacOptions.split(" ")));
        cmd.addAll(List.of("-o", f.toString(), wav.toString()));
        Tools.run(cmd.toArray(String[]::new));
        try (AudioStream s = AudioReader.open(f, AudioLimits.DEFAULT)) {
            assertArrayEquals(AudioReader.readMono16k(f, AudioLimits.DEFAULT), readAll(s, new Random(rate)));
        }
        assertDamageFailsAsInTheWholeRead(f, 6);
    }

    private void assertDamageFailsAsInTheWholeRead(Path f, int trials) throws IOException {
        String ext = f.getFileName().toString().substring(f.getFileName().toString().lastIndexOf('.'));
        byte[] good = Files.readAllBytes(f);
        Path bad = dir.resolve("bad" + ext);
        Random r = new Random(good.length);
        for (int trial = 0; trial < trials; trial++) {
            byte[] b = trial % 2 == 0 ? Arrays.copyOf(good, 100 + r.nextInt(good.length - 100)) : good.clone();
            if (trial % 2 == 1) {
                b[44 + r.nextInt(b.length - 44)] ^= (byte) (1 << r.nextInt(8));
            }
            Files.write(bad, b);
            String whole = failure(() -> AudioReader.readMono16k(bad, AudioLimits.DEFAULT));
            String streamed = failure(() -> {
                try (AudioStream s = AudioReader.open(bad, AudioLimits.DEFAULT)) {
                    return readAll(s, r);
                }
            });
            assertEquals(whole, streamed, "trial " + trial);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"flac", "wav"})
    void limitsApplyAsInTheWholeRead(String ext) throws Exception {
        Path f = synth(ext, 16000, 1, "-b 16", "3");
        AudioLimits two = new AudioLimits(2);
        FileFormatException whole = assertThrows(FileFormatException.class, () -> AudioReader.readMono16k(f, two));
        FileFormatException streamed = assertThrows(FileFormatException.class, () -> AudioReader.open(f, two).close());
        assertEquals(whole.getMessage(), streamed.getMessage());
    }

    private interface Decode {
        float[] run() throws IOException;
    }

    /** The message of the FileFormatException {@code d} throws, or the samples' count when it reads them. */
    private static String failure(Decode d) throws IOException {
        try {
            return "read " + d.run().length + " samples";
        } catch (FileFormatException e) {
            return e.getMessage();
        }
    }

    /** Every sample of {@code s}, read in random bites. */
    static float[] readAll(AudioStream s, Random r) throws IOException {
        float[] all = new float[1 << 14];
        int n = 0, got;
        while (true) {
            if (n + MAX_BITE > all.length) {
                all = Arrays.copyOf(all, 2 * all.length);
            }
            got = s.read(all, n, 1 + r.nextInt(MAX_BITE));
            if (got < 0) {
                return Arrays.copyOf(all, n);
            }
            n += got;
        }
    }

    /** A few seconds of a tone over noise, written by sox (and lame or oggenc for the lossy formats). */
    private Path synth(String ext, int rate, int channels, String options, String seconds) throws Exception {
        boolean lossy = ext.equals("mp3") || ext.equals("ogg");
        if (lossy) {
            Tools.assumeInstalled(ext.equals("mp3") ? "lame" : "oggenc");
        }
        Tools.assumeInstalled("sox");
        Path f = dir.resolve("x" + rate + channels + "." + ext);
        Path sox = lossy ? dir.resolve("x.wav") : f;
        String soxOptions = lossy ? "-b 16" : options;
        String cmd = "sox -D -n -r " + rate + " -c " + channels + " " + soxOptions + " " + sox + " synth " + seconds
                + " sine 300-3000 pinknoise gain -6";
        Tools.run(cmd.split(" "));
        if (ext.equals("mp3")) {
            Tools.run("lame", "--quiet", "-b", options.split(" ")[1], sox.toString(), f.toString());
        } else if (ext.equals("ogg")) {
            Tools.run("oggenc", "--quiet", "-q", options.split(" ")[1], "-o", f.toString(), sox.toString());
        }
        return f;
    }
}
