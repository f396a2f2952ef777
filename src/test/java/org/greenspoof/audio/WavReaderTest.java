package org.greenspoof.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.greenspoof.io.FileFormatException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** WAV decoding checked sample for sample against sox, plus hand-built chunk layouts and bad files. */
class WavReaderTest {
    /**
     * sox decodes float WAV through its 32-bit integer sample type, so its float output can differ
     * from the stored value by one step of 2^-31 (plus the double rounding of that step).
     */
    private static final double SOX_FLOAT_STEP = 0x1p-31 * 1.0001;

    @TempDir
    static Path dir;

    @BeforeAll
    static void soxPresent() {
        Tools.assumeInstalled("sox");
    }

    /** Generates a file with sox: white noise on every other channel exercises all bits. */
    private static Path soxWav(String name, int rate, int channels, int bits, String encoding, String type)
            throws Exception {
        Path f = dir.resolve(name + ".wav");
        List<String> cmd = new ArrayList<>(List.of("sox", "-R", "-n", "-r", "" + rate, "-c", "" + channels,
                "-b", "" + bits, "-e", encoding, "-t", type, f.toString(), "synth", "0.3"));
        for (int ch = 0; ch < channels; ch++) {
            cmd.addAll(ch % 2 == 0 ? List.of("whitenoise") : List.of("sine", "" + (300 + 110 * ch)));
        }
        cmd.addAll(List.of("vol", "0.9"));
        Tools.run(cmd.toArray(String[]::new));
        return f;
    }

    @ParameterizedTest(name = "{0}: {1} Hz, {2} ch, {3}-bit {4} ({5}), extensible={6}")
    @CsvSource({
        "u8,      8000,  1, 8,  unsigned,       wav,    false",
        "s16m,    16000, 1, 16, signed,         wav,    false",
        "s16s,    44100, 2, 16, signed,         wav,    false",
        "s16x6,   32000, 6, 16, signed,         wav,    true",
        "s24x3,   22050, 3, 24, signed,         wav,    true",
        "s24pcm,  22050, 2, 24, signed,         wavpcm, false",
        "s32s,    48000, 2, 32, signed,         wav,    true",
        "f32m,    11025, 1, 32, floating-point, wav,    false",
        "f32x3,   24000, 3, 32, floating-point, wav,    false",
        "f64s,    96000, 2, 64, floating-point, wav,    false",
    })
    void matchesSoxSampleForSample(String name, int rate, int channels, int bits, String encoding, String type,
            boolean extensible) throws Exception {
        Path f = soxWav(name, rate, channels, bits, encoding, type);
        byte[] head = Files.readAllBytes(f);
        int tag = (head[20] & 0xFF) | (head[21] & 0xFF) << 8;
        assertEquals(extensible ? 0xFFFE : (encoding.startsWith("float") ? 3 : 1), tag, "format tag sox wrote");

        PcmAudio a = WavReader.read(f);
        assertEquals("wav", a.format());
        assertEquals(rate, a.sampleRate());
        assertEquals(channels, a.channels());
        assertEquals(bits, a.bitsPerSample());
        if (encoding.startsWith("float")) {
            double[] ref = Tools.soxFloat64(f, dir);
            assertEquals(ref.length, a.frames() * channels);
            for (int i = 0; i < a.frames(); i++) {
                for (int ch = 0; ch < channels; ch++) {
                    double want = ref[i * channels + ch];
                    assertEquals(want, a.floats()[ch][i], SOX_FLOAT_STEP, name + " frame " + i + " ch " + ch);
                }
            }
        } else {
            int[] ref = Tools.soxInt32(f, dir);
            assertEquals(ref.length, a.frames() * channels);
            for (int i = 0; i < a.frames(); i++) {
                for (int ch = 0; ch < channels; ch++) {
                    if (ref[i * channels + ch] != a.ints()[ch][i] << (32 - bits)) {
                        assertEquals(ref[i * channels + ch], a.ints()[ch][i] << (32 - bits),
                                name + " frame " + i + " ch " + ch);
                    }
                }
            }
            // The MD5 flac stores when it encodes this very WAV.
            Path flac = dir.resolve(name + ".flac");
            Tools.run("flac", "-s", "-f", "--channel-map=none", "-o", flac.toString(), f.toString());
            String md5 = Tools.run("metaflac", "--show-md5sum", flac.toString()).trim();
            assertEquals(md5, HexFormat.of().formatHex(a.md5()), name + " md5 as flac computes it");
        }
    }

    /** int16 s becomes s / 32768 exactly, as soundfile gives it; sox's float decode is the reference. */
    @Test
    void scalingMatchesSoundfileConvention() throws Exception {
        for (int bits : new int[] {8, 16, 24}) {
            Path f = soxWav("scale" + bits, 16000, 1, bits, bits == 8 ? "unsigned" : "signed", "wav");
            PcmAudio a = WavReader.read(f);
            float[] mono = a.toMonoFloat();
            double[] ref = Tools.soxFloat64(f, dir);
            for (int i = 0; i < mono.length; i++) {
                assertEquals((float) ref[i], mono[i], 0f, "sample " + i);
                assertEquals((float) (a.ints()[0][i] / (double) (1 << (bits - 1))), mono[i], 0f);
            }
            if (bits == 16) {
                for (int i = 0; i < mono.length; i++) {
                    assertEquals(a.ints()[0][i] / 32768f, mono[i], 0f);
                }
            }
        }
    }

    @Test
    void downmixAveragesChannels() throws Exception {
        Path f = soxWav("mix", 16000, 3, 16, "signed", "wav");
        float[] mono = WavReader.read(f).toMonoFloat();
        double[] ref = Tools.soxFloat64(f, dir);
        assertEquals(ref.length, 3 * mono.length);
        for (int i = 0; i < mono.length; i++) {
            double mean = (ref[3 * i] + ref[3 * i + 1] + ref[3 * i + 2]) / 3;
            assertEquals((float) mean, mono[i], 0f, "frame " + i);
        }
    }

    // ---- hand-built layouts around the samples of one sox file ----

    private record Parts(byte[] fmt, byte[] data) {
    }

    /** The fmt body and data bytes of a plain 16-bit stereo sox file. */
    private static Parts parts() throws Exception {
        Path f = soxWav("parts", 16000, 2, 16, "signed", "wav");
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
        byte[] fmt = null, data = null;
        for (int pos = 12; pos + 8 <= b.limit(); ) {
            String id = new String(b.array(), pos, 4, StandardCharsets.US_ASCII);
            int size = b.getInt(pos + 4);
            byte[] body = new byte[size];
            b.get(pos + 8, body);
            if (id.equals("fmt ")) {
                fmt = body;
            } else if (id.equals("data")) {
                data = body;
            }
            pos += 8 + size + (size & 1);
        }
        return new Parts(fmt, data);
    }

    private static byte[] chunk(String id, long size, byte[] body, boolean pad) {
        ByteBuffer b = ByteBuffer.allocate(8 + body.length + (pad && (body.length & 1) == 1 ? 1 : 0))
                .order(ByteOrder.LITTLE_ENDIAN);
        b.put(id.getBytes(StandardCharsets.US_ASCII)).putInt((int) size).put(body);
        return b.array();
    }

    private static Path riff(String name, String magic, long riffSize, byte[]... chunks) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(magic.getBytes(StandardCharsets.US_ASCII));
        out.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) riffSize).array());
        out.write("WAVE".getBytes(StandardCharsets.US_ASCII));
        for (byte[] c : chunks) {
            out.write(c);
        }
        Path f = dir.resolve(name + ".wav");
        Files.write(f, out.toByteArray());
        return f;
    }

    private static int[] interleaved(PcmAudio a) {
        int[] v = new int[a.frames() * a.channels()];
        for (int i = 0; i < a.frames(); i++) {
            for (int ch = 0; ch < a.channels(); ch++) {
                v[i * a.channels() + ch] = a.ints()[ch][i];
            }
        }
        return v;
    }

    private static int[] samples(byte[] data) {
        short[] s = new short[data.length / 2];
        ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(s);
        int[] v = new int[s.length];
        for (int i = 0; i < s.length; i++) {
            v[i] = s[i];
        }
        return v;
    }

    @Test
    void skipsOddAndUnknownChunks() throws Exception {
        Parts p = parts();
        byte[] list = chunk("LIST", 5, "INFOx".getBytes(StandardCharsets.US_ASCII), true);
        byte[] cue = chunk("cue ", 3, new byte[] {1, 2, 3}, true);
        byte[] fact = chunk("fact", 4, new byte[] {1, 0, 0, 0}, true);
        Path f = riff("odd", "RIFF", 0, list, chunk("fmt ", p.fmt().length, p.fmt(), true), cue, fact,
                chunk("data", p.data().length, p.data(), true), list);
        assertArrayEquals(samples(p.data()), interleaved(WavReader.read(f)));
    }

    @Test
    void fmtAfterDataIsFound() throws Exception {
        Parts p = parts();
        Path f = riff("late-fmt", "RIFF", 0, chunk("data", p.data().length, p.data(), true),
                chunk("fmt ", p.fmt().length, p.fmt(), true));
        assertArrayEquals(samples(p.data()), interleaved(WavReader.read(f)));
    }

    /** Streaming writers leave 0 or 0xFFFFFFFF; a stream cut mid-frame keeps its whole frames. */
    @Test
    void unknownDataSizeReadsToEndOfFile() throws Exception {
        Parts p = parts();
        int[] want = samples(p.data());
        byte[] cut = java.util.Arrays.copyOf(p.data(), p.data().length - 3); // 1 byte into the last frame
        int[] wantCut = java.util.Arrays.copyOf(want, want.length - 2);
        for (long size : new long[] {0, 0xFFFFFFFFL}) {
            for (long riffSize : new long[] {0, 0xFFFFFFFFL, 36}) {
                Path f = riff("stream", "RIFF", riffSize, chunk("fmt ", 16, p.fmt(), true),
                        chunk("data", size, p.data(), false));
                assertArrayEquals(want, interleaved(WavReader.read(f)), "data size " + size);
                f = riff("stream-cut", "RIFF", riffSize, chunk("fmt ", 16, p.fmt(), true), chunk("data", size, cut, false));
                assertArrayEquals(wantCut, interleaved(WavReader.read(f)), "cut stream, data size " + size);
            }
        }
    }

    /** sox writing to a pipe cannot seek back and leaves 0x7FFFF000 as the data size. */
    @Test
    void soxPipeOutput() throws Exception {
        Path piped = dir.resolve("piped.wav"), seekable = dir.resolve("seekable.wav");
        String synth = "-R -n -r 16000 -c 2 -b 16 -t wav %s synth 0.2 whitenoise sine 440 vol 0.5";
        Tools.run("bash", "-c", "sox " + String.format(synth, "-") + " | cat > '" + piped + "'");
        List<String> cmd = new ArrayList<>(List.of("sox"));
        cmd.addAll(List.of(String.format(synth, seekable).split(" ")));
        Tools.run(cmd.toArray(String[]::new));
        byte[] b = Files.readAllBytes(piped);
        int dataSizeAt = b.length - 3200 * 4 - 4; // 3200 stereo 16-bit frames follow the size field
        assertEquals(0x7FFFF000, ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt(dataSizeAt));
        assertArrayEquals(interleaved(WavReader.read(seekable)), interleaved(WavReader.read(piped)));
    }

    /** An empty data chunk followed by real chunks is empty, not the start of a stream. */
    @Test
    void emptyDataFollowedByChunksIsEmpty() throws Exception {
        Parts p = parts();
        Path f = riff("empty", "RIFF", 0, chunk("fmt ", 16, p.fmt(), true), chunk("data", 0, new byte[0], true),
                chunk("LIST", 5, "INFOx".getBytes(StandardCharsets.US_ASCII), true));
        PcmAudio a = WavReader.read(f);
        assertEquals(0, a.frames());
        assertEquals(2, a.channels());
        f = riff("empty-end", "RIFF", 0, chunk("fmt ", 16, p.fmt(), true), chunk("data", 0, new byte[0], true));
        assertEquals(0, WavReader.read(f).frames());
    }

    @Test
    void rf64UsesDs64Size() throws Exception {
        Parts p = parts();
        ByteBuffer ds64 = ByteBuffer.allocate(28).order(ByteOrder.LITTLE_ENDIAN);
        ds64.putLong(0).putLong(p.data().length).putLong(p.data().length / 4).putInt(0);
        byte[] trailing = chunk("LIST", 4, "INFO".getBytes(StandardCharsets.US_ASCII), true);
        Path f = riff("rf64", "RF64", 0xFFFFFFFFL, chunk("ds64", 28, ds64.array(), true),
                chunk("fmt ", 16, p.fmt(), true), chunk("data", 0xFFFFFFFFL, p.data(), true), trailing);
        assertArrayEquals(samples(p.data()), interleaved(WavReader.read(f)));
    }

    // ---- bad input: a clear FileFormatException naming file, offset and expectation ----

    private static FileFormatException bad(Path f) {
        FileFormatException e = assertThrows(FileFormatException.class, () -> WavReader.read(f));
        assertTrue(e.getMessage().startsWith(f.toString() + ": at byte " + e.offset() + ": expected "), e.getMessage());
        return e;
    }

    @Test
    void hugeDataClaimInSmallFile() throws Exception {
        Parts p = parts();
        byte[] kb = java.util.Arrays.copyOf(p.data(), 1000);
        Path f = riff("claim", "RIFF", 0, chunk("fmt ", 16, p.fmt(), true), chunk("data", 0xFFFFFF00L, kb, true));
        FileFormatException e = bad(f);
        assertEquals(40, e.offset(), "offset of the data size field");
        assertTrue(e.getMessage().contains("4294967040"), e.getMessage());
    }

    @Test
    void truncatedLastFrame() throws Exception {
        Parts p = parts();
        byte[] odd = java.util.Arrays.copyOf(p.data(), 1001);
        FileFormatException e = bad(riff("partial", "RIFF", 0, chunk("fmt ", 16, p.fmt(), true),
                chunk("data", odd.length, odd, true)));
        assertEquals(44 + 1000, e.offset());
    }

    @Test
    void truncatedHeaderAndWrongMagic() throws Exception {
        Parts p = parts();
        Path full = riff("whole", "RIFF", 0, chunk("fmt ", 16, p.fmt(), true), chunk("data", p.data().length, p.data(), true));
        byte[] bytes = Files.readAllBytes(full);
        for (int len : new int[] {0, 7, 12, 20, 30, 43}) {
            Path f = dir.resolve("trunc" + len + ".wav");
            Files.write(f, java.util.Arrays.copyOf(bytes, len));
            bad(f);
        }
        Path rifx = dir.resolve("rifx.wav");
        byte[] b = bytes.clone();
        b[3] = 'X';
        Files.write(rifx, b);
        assertTrue(bad(rifx).getMessage().contains("'RIFX'"));
        Path avi = dir.resolve("avi.wav");
        b = bytes.clone();
        System.arraycopy("AVI ".getBytes(StandardCharsets.US_ASCII), 0, b, 8, 4);
        Files.write(avi, b);
        assertEquals(8, bad(avi).offset());
    }

    @Test
    void compressedFormatsAreRejectedByName() throws Exception {
        Path alaw = soxWav("alaw", 8000, 1, 8, "a-law", "wav");
        assertTrue(bad(alaw).getMessage().contains("A-law"));
        Path ulaw = soxWav("ulaw", 8000, 1, 8, "u-law", "wav");
        assertTrue(bad(ulaw).getMessage().contains("mu-law"));
        Parts p = parts();
        byte[] mp3Fmt = p.fmt().clone();
        mp3Fmt[0] = 0x55;
        FileFormatException e = bad(riff("mp3", "RIFF", 0, chunk("fmt ", 16, mp3Fmt, true),
                chunk("data", p.data().length, p.data(), true)));
        assertEquals(20, e.offset());
        assertTrue(e.getMessage().contains("MP3"), e.getMessage());
    }

    @Test
    void extensibleWithForeignSubformatIsRejected() throws Exception {
        Path f = soxWav("ext", 8000, 3, 16, "signed", "wav");
        byte[] b = Files.readAllBytes(f);
        assertEquals((byte) 0xFE, b[20]);
        b[44] = 0x06; // sub-format GUID now says A-law
        Files.write(f, b);
        FileFormatException e = bad(f);
        assertEquals(44, e.offset());
        assertTrue(e.getMessage().contains("A-law"));
    }

    @Test
    void missingChunks() throws Exception {
        Parts p = parts();
        bad(riff("nodata", "RIFF", 0, chunk("fmt ", 16, p.fmt(), true)));
        bad(riff("nofmt", "RIFF", 0, chunk("data", p.data().length, p.data(), true)));
        bad(riff("rf64-nods64", "RF64", 0, chunk("fmt ", 16, p.fmt(), true), chunk("data", 0xFFFFFFFFL, p.data(), true)));
        byte[] zeroCh = p.fmt().clone();
        zeroCh[2] = 0;
        assertEquals(22, bad(riff("zero-ch", "RIFF", 0, chunk("fmt ", 16, zeroCh, true),
                chunk("data", p.data().length, p.data(), true))).offset());
    }

    /** sox writes plain tag 3 for float; the EXTENSIBLE float layout is built here. */
    @Test
    void extensibleFloat() throws Exception {
        float[] x = {0f, 0.25f, -0.5f, 0.1f};
        ByteBuffer fmt = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN);
        fmt.putShort((short) 0xFFFE).putShort((short) 2).putInt(8000).putInt(64000).putShort((short) 8)
                .putShort((short) 32).putShort((short) 22).putShort((short) 32).putInt(3)
                .put(HexFormat.of().parseHex("0300000000001000800000aa00389b71"));
        ByteBuffer data = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : x) {
            data.putFloat(v);
        }
        PcmAudio a = WavReader.read(riff("ext-float", "RIFF", 0, chunk("fmt ", 40, fmt.array(), true),
                chunk("data", 16, data.array(), true)));
        assertEquals(32, a.bitsPerSample());
        assertArrayEquals(new double[] {0, -0.5}, a.floats()[0]);
        assertArrayEquals(new double[] {0.25, 0.1f}, a.floats()[1]);
    }

    @Test
    void floatContentsAreExact() throws Exception {
        float[] x = {0f, 1f, -1f, 0.1f, Float.MIN_VALUE, 3.5f};
        Path f = dir.resolve("exact-float.wav");
        Tools.writeFloatWav(f, x, 16000);
        PcmAudio a = WavReader.read(f);
        assertNull(a.ints());
        assertEquals(32, a.bitsPerSample());
        assertArrayEquals(x, a.toMonoFloat());
    }
}
