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

/** Ogg Vorbis decoding against Debian's oggdec (libvorbisfile) on files Debian's oggenc encodes. */
class OggVorbisReaderTest {
    /**
     * Least SNR of our decode against oggdec's: oggdec writes 16-bit samples, whose rounding alone
     * bounds the SNR of this half-scale test signal near 90 dB (measured 89-92 dB); a sample of misalignment or a wrong
     * channel order would fall far below.
     */
    private static final double MIN_SNR_VS_OGGDEC_DB = 80;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} Hz, {1} channels, oggenc {2}")
    @CsvSource({"44100, 2, -q 5", "16000, 1, -q 2", "48000, 2, -q 9", "8000, 1, -q 0", "22050, 6, -q 3"})
    void matchesOggdec(int rate, int channels, String options) throws Exception {
        Path ogg = encode(rate, channels, options, "1.3");
        Path ref = dir.resolve("ref.wav");
        Tools.run("oggdec", "-Q", "-o", ref.toString(), ogg.toString());
        PcmAudio ours = AudioReader.read(ogg), theirs = AudioReader.read(ref);
        assertEquals("ogg", ours.format());
        assertEquals(theirs.sampleRate(), ours.sampleRate());
        assertEquals(theirs.channels(), ours.channels());
        assertEquals(theirs.frames(), ours.frames(), "the last page's granule position ends the audio");
        assertEquals(Math.round(1.3 * rate), ours.frames());
        double scale = 1.0 / 32768;
        if (channels > 2) {
            // oggdec reorders 5.1 from Vorbis's channel order to WAV's; the mono downmix the engine uses is order-free.
            double[] r = new double[theirs.frames()], x = new double[ours.frames()];
            float[] a = theirs.toMonoFloat(), b = ours.toMonoFloat();
            for (int i = 0; i < r.length; i++) {
                r[i] = a[i];
                x[i] = b[i];
            }
            assertTrue(Mp3ReaderTest.snrDb(r, x) > MIN_SNR_VS_OGGDEC_DB, Mp3ReaderTest.snrDb(r, x) + " dB");
            return;
        }
        for (int c = 0; c < channels; c++) {
            double[] r = Arrays.stream(theirs.ints()[c]).mapToDouble(v -> v * scale).toArray();
            double snr = Mp3ReaderTest.snrDb(r, ours.floats()[c]);
            assertTrue(snr > MIN_SNR_VS_OGGDEC_DB, "channel " + c + ": " + snr + " dB");
        }
    }

    @Test
    void aCutFileIsRefusedAtItsEnd() throws Exception {
        byte[] b = Files.readAllBytes(encode(16000, 1, "-q 3", "2"));
        Path cut = dir.resolve("cut.ogg");
        Files.write(cut, Arrays.copyOf(b, b.length - 50));
        FileFormatException e = assertThrows(FileFormatException.class, () -> AudioReader.read(cut));
        assertEquals(b.length - 50, e.offset(), e.getMessage());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void aDamagedPageIsRefusedWhereItStarts() throws Exception {
        byte[] b = Files.readAllBytes(encode(16000, 1, "-q 3", "2"));
        int last = -1;
        for (int i = b.length - 4; i > 0 && last < 0; i--) {
            if (b[i] == 'O' && b[i + 1] == 'g' && b[i + 2] == 'g' && b[i + 3] == 'S') {
                last = i;
            }
        }
        b[last + 40] ^= 0x10; // the CRC no longer matches
        Path bad = dir.resolve("bad.ogg");
        Files.write(bad, b);
        FileFormatException e = assertThrows(FileFormatException.class, () -> AudioReader.read(bad));
        assertEquals(last, e.offset(), e.getMessage());
    }

    @Test
    void theDurationLimitHolds() throws Exception {
        Path ogg = encode(16000, 1, "-q 3", "3");
        assertTrue(assertThrows(FileFormatException.class, () -> AudioReader.read(ogg, new AudioLimits(2))).getMessage()
                .contains("--max-seconds"));
    }

    /** Damaged bytes decode to something or fail as a FileFormatException naming the file, never otherwise. */
    @Test
    void corruptStreamsFailCleanly() throws Exception {
        byte[] good = Files.readAllBytes(encode(16000, 2, "-q 3", "1"));
        Tools.readBitFlipped(good, dir.resolve("bad.ogg"), 300, 10, 14);
    }

    private Path encode(int rate, int channels, String options, String seconds) throws Exception {
        Tools.assumeInstalled("oggenc");
        Tools.assumeInstalled("oggdec");
        Tools.assumeInstalled("sox");
        Path wav = dir.resolve("in.wav"), ogg = dir.resolve("in" + rate + channels + ".ogg");
        Tools.run("sox", "-R", "-n", "-r", Integer.toString(rate), "-c", Integer.toString(channels), "-b", "16", wav.toString(),
                "synth", seconds, "sine", "100-" + rate * 4 / 10, "sine", "330", "vol", "0.5");
        String[] opts = options.split(" ");
        Tools.run("oggenc", "-Q", opts[0], opts[1], "-o", ogg.toString(), wav.toString());
        return ogg;
    }
}
