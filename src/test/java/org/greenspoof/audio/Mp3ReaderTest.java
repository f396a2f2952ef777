package org.greenspoof.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.greenspoof.io.FileFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** MP3 decoding against Debian's mpg123 (an independent decoder, float output) on files Debian's lame encodes. */
class Mp3ReaderTest {
    /**
     * Least SNR of our decode against mpg123's: both synthesise in floating point from the same
     * bitstream, so they differ only by rounding in the IMDCT and polyphase filter (JLayer computes
     * in float32, mpg123 with its own tables); measured 129-135 dB on every case below, while a
     * sample of misalignment, JLayer's 32700/32768 gain or its 16-bit truncation would each stay
     * below 60 dB.
     */
    private static final double MIN_SNR_VS_MPG123_DB = 110;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} Hz, {1} channels, lame {2}")
    @CsvSource({
            "44100, 2, -b 128",            // MPEG-1, joint stereo, LAME info frame: gapless trimming
            "44100, 1, -V 4",              // VBR with a Xing frame
            "48000, 2, -b 320 -m s",       // largest frames, plain stereo
            "32000, 2, -b 96 -t",          // no info frame: nothing trimmed
            "22050, 1, -b 32",             // MPEG-2 (LSF)
            "16000, 2, -b 48 -t",          // MPEG-2 without a tag
            "8000, 1, -b 16",              // MPEG-2.5
            "11025, 2, -b 24 -p"})         // MPEG-2.5 with CRC-protected frames
    void matchesMpg123(int rate, int channels, String lameOptions) throws Exception {
        Tools.assumeInstalled("lame");
        Tools.assumeInstalled("mpg123");
        Tools.assumeInstalled("sox");
        Path wav = dir.resolve("in.wav"), mp3 = dir.resolve("in.mp3"), ref = dir.resolve("ref.wav");
        Tools.run("sox", "-R", "-n", "-r", Integer.toString(rate), "-c", Integer.toString(channels), "-b", "16", wav.toString(),
                "synth", "1.7", "sine", "100-" + rate * 4 / 10, "sine", "330", "vol", "0.5");
        String[] cmd = ("lame --quiet " + lameOptions + " " + wav + " " + mp3).split(" ");
        Tools.run(cmd);
        Tools.run("mpg123", "-q", "-e", "f32", "-w", ref.toString(), mp3.toString());
        PcmAudio ours = AudioReader.read(mp3), theirs = AudioReader.read(ref);
        assertEquals("mp3", ours.format());
        assertEquals(theirs.sampleRate(), ours.sampleRate());
        assertEquals(theirs.channels(), ours.channels());
        assertEquals(theirs.frames(), ours.frames(), "sample count, after the encoder delay and padding are trimmed");
        for (int c = 0; c < ours.channels(); c++) {
            double snr = snrDb(theirs.floats()[c], ours.floats()[c]);
            assertTrue(snr > MIN_SNR_VS_MPG123_DB, "channel " + c + ": " + snr + " dB");
        }
    }

    static double snrDb(double[] ref, double[] x) {
        double s = 0, e = 0;
        for (int i = 0; i < ref.length; i++) {
            s += ref[i] * ref[i];
            e += (ref[i] - x[i]) * (ref[i] - x[i]);
        }
        return 10 * Math.log10(s / e);
    }

    /** With LAME's info frame, the encoder delay and padding are trimmed: exactly the encoder's input comes out. */
    @Test
    void gaplessDecodeHasTheInputsLength() throws Exception {
        Path mp3 = encode("-b 64", 22050, 2, "2.3");
        assertEquals(Math.round(2.3 * 22050), AudioReader.read(mp3).frames());
    }

    @Test
    void tagsAroundTheFramesAreSkipped() throws Exception {
        Path mp3 = encode("-b 64 --id3v2-only --tt title --pad-id3v2-size 300", 44100, 1, "0.5");
        PcmAudio plain = AudioReader.read(encode("-b 64", 44100, 1, "0.5"));
        byte[] tagged = Files.readAllBytes(mp3);
        assertEquals('I', tagged[0]);
        byte[] withV1 = Arrays.copyOf(tagged, tagged.length + 128);
        System.arraycopy("TAGtitle".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, withV1, tagged.length, 8);
        Path f = dir.resolve("v1.mp3");
        Files.write(f, withV1);
        assertTrue(Arrays.deepEquals(plain.floats(), AudioReader.read(f).floats()));
    }

    @Test
    void aCutLastFrameIsRefusedAtTheEndOfTheFile() throws Exception {
        byte[] b = Files.readAllBytes(encode("-b 128 -t", 44100, 2, "1"));
        Path cut = dir.resolve("cut.mp3");
        Files.write(cut, Arrays.copyOf(b, b.length - 100));
        FileFormatException e = assertThrows(FileFormatException.class, () -> AudioReader.read(cut));
        assertEquals(b.length - 100, e.offset());
        assertTrue(e.getMessage().contains("truncated") && e.getMessage().startsWith(cut + ": "), e.getMessage());
    }

    @Test
    void bytesBetweenFramesAreRefusedWhereTheyStart() throws Exception {
        byte[] b = Files.readAllBytes(encode("-b 128 -t", 44100, 2, "1"));
        int frame = 417; // 144 * 128000 / 44100 rounded down; lame pads some frames to 418
        int at = 0;
        for (int i = 0; i < 5; i++) {
            at += frame + ((b[at + 2] >> 1) & 1);
        }
        byte[] junk = new byte[b.length + 3];
        System.arraycopy(b, 0, junk, 0, at);
        System.arraycopy(b, at, junk, at + 3, b.length - at);
        Path f = dir.resolve("junk.mp3");
        Files.write(f, junk);
        FileFormatException e = assertThrows(FileFormatException.class, () -> AudioReader.read(f));
        assertEquals(at, e.offset(), e.getMessage());
    }

    @Test
    void framesOfAnotherStreamAreRefused() throws Exception {
        byte[] a = Files.readAllBytes(encode("-b 128 -t", 44100, 2, "0.3"));
        byte[] b = Files.readAllBytes(encode("-b 128 -t", 48000, 2, "0.3"));
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        Path f = dir.resolve("two.mp3");
        Files.write(f, both);
        FileFormatException e = assertThrows(FileFormatException.class, () -> AudioReader.read(f));
        assertEquals(a.length, e.offset());
        assertTrue(e.getMessage().contains("44100 Hz") && e.getMessage().contains("48000 Hz"), e.getMessage());
    }

    @Test
    void anId3TagWithoutFramesIsRefused() throws Exception {
        byte[] id3 = {'I', 'D', '3', 4, 0, 0, 0, 0, 0, 20};
        Path f = dir.resolve("empty.mp3");
        Files.write(f, Arrays.copyOf(id3, 30));
        FileFormatException e = assertThrows(FileFormatException.class, () -> AudioReader.read(f));
        assertTrue(e.getMessage().contains("MP3"), e.getMessage());
    }

    @Test
    void theDurationLimitHolds() throws Exception {
        Path vbr = encode("-V 5", 16000, 1, "3"), cbr = encode("-b 32 -t", 16000, 1, "3");
        AudioLimits two = new AudioLimits(2);
        // The info frame's count is checked before decoding, at the first frame; without one, while decoding.
        FileFormatException e = assertThrows(FileFormatException.class, () -> AudioReader.read(vbr, two));
        assertEquals(0, e.offset(), e.getMessage());
        assertTrue(assertThrows(FileFormatException.class, () -> AudioReader.read(cbr, two)).getMessage()
                .contains("--max-seconds"));
        assertEquals(48000, AudioReader.read(vbr, new AudioLimits(3)).frames());
    }

    /** Damaged frames decode to something or fail as a FileFormatException at a frame, never otherwise. */
    @Test
    void corruptFramesFailCleanly() throws Exception {
        byte[] good = Files.readAllBytes(encode("-b 96", 32000, 2, "1"));
        int refused = Tools.readBitFlipped(good, dir.resolve("bad.mp3"), 300, 20, 14);
        assertTrue(refused > 0, "some corruption hits a frame header");
    }

    private Path encode(String lameOptions, int rate, int channels, String seconds) throws Exception {
        Tools.assumeInstalled("lame");
        Tools.assumeInstalled("sox");
        Path wav = dir.resolve("e.wav"), mp3 = dir.resolve("e" + lameOptions.hashCode() + "-" + rate + ".mp3");
        Tools.run("sox", "-R", "-n", "-r", Integer.toString(rate), "-c", Integer.toString(channels), "-b", "16", wav.toString(),
                "synth", seconds, "sine", "200-2000", "vol", "0.5");
        String[] cmd = ("lame --quiet " + lameOptions + " " + wav + " " + mp3).split(" ");
        Tools.run(cmd);
        return mp3;
    }
}
