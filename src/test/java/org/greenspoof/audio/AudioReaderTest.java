package org.greenspoof.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.greenspoof.io.FileFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AudioReaderTest {
    static final Path SAMPLE = Path.of("src/test/resources/audio/sample.flac");
    /** The decode -> downmix -> resample chain against sox's, both at rate -v quality. */
    private static final double MIN_SNR_VS_SOX_DB = 60;

    @TempDir
    Path dir;

    @Test
    void dispatchesFlacByMagic() throws Exception {
        Tools.assumeInstalled("metaflac");
        PcmAudio a = AudioReader.read(SAMPLE);
        assertEquals("flac", a.format());
        assertEquals(16000, a.sampleRate());
        assertEquals(Tools.run("metaflac", "--show-md5sum", SAMPLE.toString()).trim(), HexFormat.of().formatHex(a.md5()));
        // The name does not matter, and an ID3v2 tag before "fLaC" is skipped.
        byte[] flac = Files.readAllBytes(SAMPLE);
        byte[] tagged = new byte[20 + flac.length];
        System.arraycopy(id3Header(10), 0, tagged, 0, 10);
        System.arraycopy(flac, 0, tagged, 20, flac.length);
        Path renamed = dir.resolve("tagged.wav");
        Files.write(renamed, tagged);
        assertArrayEquals(a.md5(), AudioReader.read(renamed).md5());
    }

    /** The same samples in WAV and FLAC decode identically, so info's MD5 agrees across containers. */
    @Test
    void wavAndFlacOfTheSameAudioAgree() throws Exception {
        Tools.assumeInstalled("sox");
        Tools.assumeInstalled("flac");
        Path wav = dir.resolve("s.wav"), flac = dir.resolve("s.flac");
        Tools.run("sox", "-R", "-n", "-r", "22050", "-c", "2", "-b", "24", wav.toString(), "synth", "0.5", "pinknoise",
                "sine", "440", "vol", "0.5");
        Tools.run("flac", "-s", "-f", "--channel-map=none", "-o", flac.toString(), wav.toString());
        PcmAudio w = AudioReader.read(wav), f = AudioReader.read(flac);
        assertEquals("wav", w.format());
        assertEquals("flac", f.format());
        assertArrayEquals(w.ints(), f.ints());
        assertArrayEquals(w.md5(), f.md5());
        assertArrayEquals(AudioReader.readMono16k(wav), AudioReader.readMono16k(flac));
    }

    @Test
    void readMono16kAt16kIsTheScaledSamples() throws Exception {
        assertArrayEquals(AudioReader.read(SAMPLE).toMonoFloat(), AudioReader.readMono16k(SAMPLE));
    }

    /** Stereo 48 kHz -> mono 16 kHz, compared with sox doing the same (-c 1 averages channels). */
    @Test
    void readMono16kMatchesSox() throws Exception {
        Tools.assumeInstalled("sox");
        Path wav = dir.resolve("st.wav"), ref = dir.resolve("ref.wav");
        Tools.run("sox", "-R", "-n", "-r", "48000", "-c", "2", "-b", "16", wav.toString(), "synth", "1", "sine", "300-3000",
                "sine", "200", "vol", "0.4");
        Tools.run("sox", wav.toString(), "-c", "1", "-b", "32", "-e", "floating-point", ref.toString(), "rate", "-v", "16000");
        float[] want = WavReader.read(ref).toMonoFloat();
        float[] got = AudioReader.readMono16k(wav);
        assertEquals(want.length, got.length);
        double s = 0, e = 0;
        for (int i = 0; i < got.length; i++) {
            s += want[i] * (double) want[i];
            e += (want[i] - (double) got[i]) * (want[i] - (double) got[i]);
        }
        double snr = 10 * Math.log10(s / e);
        assertTrue(snr >= MIN_SNR_VS_SOX_DB, "SNR vs sox " + snr);
    }

    private FileFormatException refused(String name, byte[] bytes) throws Exception {
        Path f = dir.resolve(name);
        Files.write(f, bytes);
        FileFormatException e = assertThrows(FileFormatException.class, () -> AudioReader.read(f));
        assertTrue(e.getMessage().startsWith(f + ": at byte "), e.getMessage());
        return e;
    }

    /** An ID3v2.4 header announcing a tag body of {@code size} (< 128) bytes. */
    private static byte[] id3Header(int size) {
        return new byte[] {'I', 'D', '3', 4, 0, 0, 0, 0, 0, (byte) size};
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void otherFormatsAreNamed() throws Exception {
        byte[] frame = {(byte) 0xFF, (byte) 0xFB, (byte) 0x90, 0x64, 0, 0, 0, 0};
        // An MP3 frame header is read as MP3 (this one is cut short); layer II gets the conversion hint.
        FileFormatException mp3 = refused("a.mp3", frame);
        assertTrue(mp3.getMessage().contains("MP3") && mp3.getMessage().contains("truncated"), mp3.getMessage());
        assertEquals(frame.length, mp3.offset());
        String mp2 = refused("a.mp2", new byte[] {(byte) 0xFF, (byte) 0xFD, (byte) 0x90, 0x64, 0, 0, 0, 0}).getMessage();
        assertTrue(mp2.contains("layer II (MP2)") && mp2.endsWith("convert it first, e.g. ffmpeg -i " + dir.resolve("a.mp2")
                + " -ac 1 -ar 16000 a.flac"), mp2);
        byte[] id3mp3 = new byte[40];
        System.arraycopy(id3Header(16), 0, id3mp3, 0, 10);
        System.arraycopy(frame, 0, id3mp3, 26, 8);
        assertTrue(refused("tagged.mp3", id3mp3).getMessage().contains("MP3"));
        assertTrue(refused("a.opus", bytes("OggS\u0000\u0002" + "\u0000".repeat(22) + "OpusHead")).getMessage().contains("Opus"));
        assertTrue(refused("a.aac", new byte[] {(byte) 0xFF, (byte) 0xF1, 0x50, (byte) 0x80}).getMessage().contains("AAC"));
        assertTrue(refused("a.m4a", bytes("\u0000\u0000\u0000\u0020ftypM4A ")).getMessage().contains("MP4"));
        assertTrue(refused("a.aiff", bytes("FORM\u0000\u0000\u0000\u0010AIFFCOMM")).getMessage().contains("AIFF"));
        FileFormatException unknown = refused("a.bin", bytes("hello world"));
        assertEquals(0, unknown.offset());
        assertTrue(unknown.getMessage().contains("68 65 6c 6c"), unknown.getMessage());
        assertEquals(0, refused("empty.wav", new byte[0]).offset());
        assertEquals(2, refused("two.flac", bytes("fL")).offset());
    }

    /** Formats sox itself writes, so the test does not depend on our idea of their headers alone. */
    @Test
    void soxWrittenForeignFormatsAreRefused() throws Exception {
        Tools.assumeInstalled("sox");
        for (String ext : new String[] {"aiff", "au"}) {
            Path f = dir.resolve("x." + ext);
            Tools.run("sox", "-n", "-r", "8000", f.toString(), "synth", "0.1", "sine", "440");
            FileFormatException e = assertThrows(FileFormatException.class, () -> AudioReader.read(f));
            assertTrue(e.getMessage().contains(ext.equals("au") ? "AU" : "AIFF"), e.getMessage());
        }
    }
}
