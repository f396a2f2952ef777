package org.greenspoof.audio.flac;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.RandomAccessFile;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.greenspoof.audio.AudioLimits;
import org.greenspoof.audio.PcmAudio;
import org.greenspoof.io.FileFormatException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Damaged and crafted files must fail with a FileFormatException naming the file, the byte offset
 * and the expectation; never decode to a wrong signal, loop, or exhaust memory. The base file is
 * the committed sample (flac -8, LPC subframes), so these tests need no external tool.
 */
class FlacCorruptionTest {

    /** Positions fuzzed with a single flipped bit; each decode takes about a millisecond. */
    private static final int BIT_FLIPS = 400;
    private static final int CUT_POINTS = 60;

    @TempDir
    Path dir;

    private byte[] sample;
    private int firstFrame;
    private PcmAudio reference;

    @BeforeEach
    void loadSample() throws Exception {
        Path path = sampleFile();
        sample = Files.readAllBytes(path);
        reference = FlacDecoder.decode(path);
        firstFrame = 4;
        boolean last = false;
        while (!last) {
            last = (sample[firstFrame] & 0x80) != 0;
            firstFrame += 4 + (((sample[firstFrame + 1] & 0xFF) << 16) | ((sample[firstFrame + 2] & 0xFF) << 8)
                    | (sample[firstFrame + 3] & 0xFF));
        }
        // The patches below assume frame 0's header: sync, 4096 samples, 16 kHz, mono 16-bit, number 0, CRC-8.
        assertArrayEquals(new byte[] {(byte) 0xFF, (byte) 0xF8, (byte) 0xC5, 0x08, 0},
                Arrays.copyOfRange(sample, firstFrame, firstFrame + 5));
        assertEquals(Crc.crc8(sample, firstFrame, firstFrame + 5), sample[firstFrame + 5] & 0xFF);
    }

    static Path sampleFile() throws URISyntaxException {
        return Path.of(FlacCorruptionTest.class.getResource("/audio/sample.flac").toURI());
    }

    @Test
    void sampleDecodesAsDescribed() {
        assertEquals(16000, reference.sampleRate());
        assertEquals(1, reference.channels());
        assertEquals(16, reference.bitsPerSample());
        assertEquals(24000, reference.frames());
    }

    @Test
    void wrongMagic() throws Exception {
        byte[] riff = sample.clone();
        riff[0] = 'R';
        riff[1] = 'I';
        riff[2] = 'F';
        riff[3] = 'F';
        FileFormatException e = expectError(riff, "fLaC");
        assertEquals(0, e.offset());
        expectError(new byte[0], "truncated");
        expectError(new byte[] {'f', 'L', 'a'}, "truncated");
    }

    @Test
    void truncatedAnywhere() throws Exception {
        for (int i = 0; i < CUT_POINTS; i++) {
            int cut = (int) ((long) i * sample.length / CUT_POINTS);
            expectError(Arrays.copyOf(sample, cut));
        }
        expectError(Arrays.copyOf(sample, sample.length - 1), "truncated");
        expectError(Arrays.copyOf(sample, firstFrame), "24000 samples");
    }

    /**
     * Every single-bit error in the audio frames is caught (CRC-16 detects all of them); one in
     * the metadata either fails or leaves the decoded signal identical (a tag, the frame sizes).
     */
    @Test
    void noBitFlipGoesUnnoticed() throws Exception {
        assertEveryFlipCaught(sample, firstFrame, reference.ints(), 50);
    }

    /** The same for variable-size stereo 24-bit frames with every stereo mode and escaped partitions. */
    @Test
    void noBitFlipGoesUnnoticedInVariableStereo() throws Exception {
        int[] sizes = {1000, 4096, 17, 576, 333, 2304};
        int[][] x = Signals.speechLike(2, Arrays.stream(sizes).sum(), 48000, 24, 51);
        CraftedFlac w = new CraftedFlac(48000, 2, 24, true);
        for (int f = 0, at = 0; f < sizes.length; at += sizes[f], f++) {
            w.assignment = new int[] {0, 8, 9, 10}[f % 4];
            w.fixedOrder = 1 + f % 4;
            w.riceMethod = f % 2;
            w.escapeEvery = 2;
            w.frame(x, at, sizes[f]);
        }
        byte[] data = w.build();
        assertArrayEquals(x, FlacDecoder.decode(data, Path.of("variable.flac")).ints());
        assertEveryFlipCaught(data, 42, x, 52);
    }

    private void assertEveryFlipCaught(byte[] good, int frames, int[][] decoded, long seed) throws Exception {
        SplittableRandom rnd = new SplittableRandom(seed);
        Path file = dir.resolve("flipped.flac");
        for (int i = 0; i < BIT_FLIPS; i++) {
            int at = i < BIT_FLIPS / 4 ? rnd.nextInt(frames) : frames + rnd.nextInt(good.length - frames);
            byte[] bad = good.clone();
            bad[at] ^= (byte) (1 << rnd.nextInt(8));
            Files.write(file, bad);
            try {
                PcmAudio audio = FlacDecoder.decode(file);
                assertTrue(at < frames, () -> "a flipped bit at byte " + at + " in the frames went unnoticed");
                assertArrayEquals(decoded, audio.ints(), () -> "flipped bit at byte " + at);
            } catch (FileFormatException expected) {
                assertTrue(expected.getMessage().contains(file.toString()));
            } catch (RuntimeException | Error e) {
                throw new AssertionError("flipped bit at byte " + at + ": " + e, e);
            }
        }
    }

    @Test
    void badHeaderCrc() throws Exception {
        byte[] bad = sample.clone();
        bad[firstFrame + 5] ^= 0x10;
        assertEquals(firstFrame + 5, expectError(bad, "CRC-8").offset());
    }

    @Test
    void badFrameCrc() throws Exception {
        byte[] bad = sample.clone();
        bad[bad.length - 1] ^= 0x01;
        assertEquals(bad.length - 2, expectError(bad, "CRC-16").offset());
    }

    /** Reserved or invalid header codes behind a correct CRC-8: byte of the header, mask, value, message. */
    @ParameterizedTest
    @CsvSource({
        "2, 0xF0, 0x00, block size code",
        "2, 0x0F, 0x0F, sample rate code",
        "3, 0x0E, 0x06, sample size code",
        "3, 0xF0, 0xB0, channel assignment",
        "3, 0x01, 0x01, reserved bit",
        "1, 0x02, 0x02, sync code",
        "3, 0xF0, 0x10, channel count",
        "3, 0x0E, 0x0C, sample size of 16 bits",
        "2, 0x0F, 0x04, sample rate 16000",
    })
    void reservedOrWrongHeaderCodes(int offset, String mask, String value, String message) throws Exception {
        byte[] bad = sample.clone();
        int at = firstFrame + offset;
        int m = Integer.decode(mask);
        bad[at] = (byte) ((bad[at] & ~m) | Integer.decode(value));
        bad[firstFrame + 5] = (byte) Crc.crc8(bad, firstFrame, firstFrame + 5);
        expectError(bad, message);
    }

    @Test
    void bogusBlockSizes() throws Exception {
        int info = 8;
        byte[] smallMax = sample.clone();
        streamInfoField(smallMax, info, 0, 16, 1024);
        streamInfoField(smallMax, info, 16, 16, 1024);
        expectError(smallMax, "at most 1024");

        byte[] tinyMin = sample.clone();
        streamInfoField(tinyMin, info, 0, 16, 8);
        expectError(tinyMin, "16 <= minimum");

        // Frame 0 claims 256 samples: the header is consistent, the subframes then are not.
        byte[] shorter = sample.clone();
        shorter[firstFrame + 2] = (byte) 0x85;
        shorter[firstFrame + 5] = (byte) Crc.crc8(shorter, firstFrame, firstFrame + 5);
        expectError(shorter);
    }

    @Test
    void sampleCountLies() throws Exception {
        int info = 8;
        byte[] more = sample.clone();
        streamInfoField(more, info, 108, 36, 24001);
        expectError(more, "24001 samples");
        byte[] fewer = sample.clone();
        streamInfoField(fewer, info, 108, 36, 23000);
        expectError(fewer, "23000 samples");
        byte[] absurd = sample.clone();
        streamInfoField(absurd, info, 108, 36, (1L << 36) - 1);
        expectError(absurd, "at most 600 s of audio (--max-seconds)");
    }

    @Test
    void md5Mismatch() throws Exception {
        byte[] bad = sample.clone();
        bad[8 + 18] ^= 0x01;
        assertEquals(8 + 18, expectError(bad, "MD5").offset());
    }

    @Test
    void trailingGarbage() throws Exception {
        byte[] bad = Arrays.copyOf(sample, sample.length + 10);
        expectError(bad, "sync code");
    }

    /** LPC coefficient precision code 15 and a negative shift, in the subframe of frame 2 (LPC in the sample). */
    @Test
    void invalidLpcFields() throws Exception {
        int sub = frameOffset(2) + 6;
        int type = (sample[sub] >>> 1) & 0x3F;
        assertTrue(type >= 32 && (sample[sub] & 1) == 0, "frame 2 is an LPC subframe without wasted bits");
        int precisionBit = (sub + 1) * 8 + 16 * (type - 31);
        byte[] precision = sample.clone();
        setBits(precision, precisionBit, 4, 15);
        expectError(precision, "precision");
        byte[] shift = sample.clone();
        setBits(shift, precisionBit + 4, 1, 1);
        expectError(shift, "non-negative LPC shift");
    }

    @Test
    void fileTooLargeIsNotRead() throws Exception {
        Path huge = dir.resolve("huge.flac");
        try (RandomAccessFile f = new RandomAccessFile(huge.toFile(), "rw")) {
            f.setLength(FlacDecoder.MAX_FILE_BYTES + 1);
        }
        FileFormatException e = assertThrows(FileFormatException.class, () -> FlacDecoder.decode(huge));
        assertTrue(e.getMessage().contains("at most " + FlacDecoder.MAX_FILE_BYTES + " bytes"), e.getMessage());
    }

    /** Streams that are well formed but for one field, written with their CRCs correct. */
    @Test
    void craftedInvalidStreams() throws Exception {
        int[][] x = Signals.speechLike(1, 3000, 16000, 16, 60);

        CraftedFlac split = new CraftedFlac(16000, 1, 16, false);
        split.partitionOrderOverride = 4;
        expectError(split.frame(x, 0, 1000).build(), "partition order");

        CraftedFlac tiny = new CraftedFlac(16000, 1, 16, false);
        tiny.fixedOrder = 4;
        tiny.partitionOrderOverride = 5;
        expectError(tiny.frame(x, 0, 64).build(), "partition order");

        CraftedFlac gap = new CraftedFlac(16000, 1, 16, false).frame(x, 0, 1000);
        gap.numberOverride = 2;
        expectError(gap.frame(x, 1000, 1000).build(), "frame number 1");

        CraftedFlac variableGap = new CraftedFlac(16000, 1, 16, true).frame(x, 0, 1000);
        variableGap.numberOverride = 999;
        expectError(variableGap.frame(x, 1000, 1000).build(), "sample number 1000");

        CraftedFlac reservedType = new CraftedFlac(16000, 1, 16, false);
        reservedType.subframeTypeOverride = 2;
        expectError(reservedType.frame(x, 0, 1000).build(), "reserved 2");

        CraftedFlac reservedMethod = new CraftedFlac(16000, 1, 16, false);
        reservedMethod.riceMethod = 2;
        expectError(reservedMethod.frame(x, 0, 1000).build(), "coding method");

        byte[] mixed = new CraftedFlac(16000, 1, 16, false).frame(x, 0, 1000).frame(x, 1000, 1000).build();
        int second = mixed.length - frameLength(x);
        mixed[second + 1] |= 1;
        mixed[second + 7] = (byte) Crc.crc8(mixed, second, second + 7);
        expectError(mixed, "as in the first frame");
    }

    /** Offset of the sample's frame {@code number} (below 128): its header bytes and a matching CRC-8. */
    private int frameOffset(int number) {
        for (int p = firstFrame; p + 6 < sample.length; p++) {
            if ((sample[p] & 0xFF) == 0xFF && (sample[p + 1] & 0xFF) == 0xF8 && (sample[p + 2] & 0xFF) == 0xC5
                    && sample[p + 3] == 0x08 && sample[p + 4] == number
                    && Crc.crc8(sample, p, p + 5) == (sample[p + 5] & 0xFF)) {
                return p;
            }
        }
        throw new AssertionError("no frame " + number);
    }

    /** A few kilobytes of CONSTANT frames that would decode to more samples than allowed stop at the limit. */
    @Test
    void expandingStreamStopsAtTheLimit() throws Exception {
        int[][] silence = Signals.constant(1, 65535, 0);
        CraftedFlac w = new CraftedFlac(16000, 1, 16, false);
        for (int i = 0; i < 40; i++) {
            w.frame(silence, 0, 65535);
        }
        byte[] data = w.build(0, new byte[16]);
        assertTrue(data.length < 1000, "40 frames of 65535 samples in " + data.length + " bytes");
        FileFormatException e = assertThrows(FileFormatException.class,
                () -> FlacDecoder.decode(data, Path.of("expanding.flac"), 1 << 20, AudioLimits.DEFAULT));
        assertTrue(e.getMessage().contains("at most 1048576 decoded samples"), e.getMessage());
        assertEquals(40 * 65535, FlacDecoder.decode(data, Path.of("expanding.flac"), 1 << 22, AudioLimits.DEFAULT).frames());
    }

    /** Issue 15 #2: a 1 Hz STREAMINFO is refused at the header, before any frame is decoded or resampled. */
    @Test
    void aOneHertzStreamIsRefusedAtStreaminfo() throws Exception {
        byte[] data = new CraftedFlac(1, 1, 16, false).frame(Signals.constant(1, 16, 0), 0, 16).build();
        Path f = dir.resolve("1hz.flac");
        Files.write(f, data);
        FileFormatException e = assertThrows(FileFormatException.class, () -> FlacDecoder.decode(f));
        assertTrue(e.getMessage().startsWith(f + ": at byte 18: expected a sample rate from 4000 to 384000 Hz, found 1 Hz"),
                e.getMessage());
    }

    /**
     * Issue 15 #4: 4,096 CONSTANT frames of 65535 samples with total samples 0 (unknown) would decode to
     * 2^28 samples (3.2 GB); the decoder stops at --max-seconds, after a few hundred frames.
     */
    @Test
    void constantFramesOfUnknownLengthStopAtMaxSeconds() throws Exception {
        int[][] silence = Signals.constant(1, 65535, 0);
        CraftedFlac w = new CraftedFlac(16000, 1, 16, false);
        for (int i = 0; i < 4096; i++) {
            w.frame(silence, 0, 65535);
        }
        byte[] data = w.build(0, new byte[16]);
        assertTrue(data.length < 60_000, data.length + " bytes");
        long t0 = System.nanoTime();
        FileFormatException e = assertThrows(FileFormatException.class,
                () -> FlacDecoder.decode(data, Path.of("constant.flac"), FlacDecoder.sampleLimit(), AudioLimits.DEFAULT));
        assertTrue(e.getMessage().startsWith("constant.flac: at byte "), e.getMessage());
        assertTrue(e.getMessage().contains("at most 9600000 frames (600.0 s at 16000 Hz, --max-seconds)"), e.getMessage());
        assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "stopped early");
        // A declared length beyond the limit is refused at STREAMINFO.
        byte[] declared = new CraftedFlac(16000, 1, 16, false).frame(silence, 0, 65535).build(9_600_001, new byte[16]);
        FileFormatException d = assertThrows(FileFormatException.class,
                () -> FlacDecoder.decode(declared, Path.of("declared.flac"), FlacDecoder.sampleLimit(), AudioLimits.DEFAULT));
        assertTrue(d.getMessage().contains("at most 600 s of audio (--max-seconds), found 9600001 frames"), d.getMessage());
    }

    /** Byte length of one 1000-sample frame of {@code x} as CraftedFlac writes it. */
    private static int frameLength(int[][] x) {
        byte[] one = new CraftedFlac(16000, 1, 16, false).frame(x, 1000, 1000).build();
        return one.length - 42;
    }

    private FileFormatException expectError(byte[] data, String... fragments) throws Exception {
        Path file = dir.resolve("bad.flac");
        Files.write(file, data);
        FileFormatException e = null;
        try {
            FlacDecoder.decode(file);
            fail("decoded a bad file");
        } catch (FileFormatException expected) {
            e = expected;
        }
        String message = e.getMessage();
        assertTrue(message.startsWith(file + ": at byte " + e.offset() + ": expected "), message);
        for (String f : fragments) {
            assertTrue(message.contains(f), () -> "'" + f + "' in: " + message);
        }
        return e;
    }

    /** Overwrites {@code bits} bits at bit {@code bitOffset} of the STREAMINFO body starting at byte {@code body}. */
    private static void streamInfoField(byte[] data, int body, int bitOffset, int bits, long value) {
        setBits(data, body * 8 + bitOffset, bits, value);
    }

    private static void setBits(byte[] data, int bitOffset, int bits, long value) {
        for (int i = 0; i < bits; i++) {
            int bit = bitOffset + i;
            int v = (int) (value >>> (bits - 1 - i)) & 1;
            data[bit >>> 3] = (byte) ((data[bit >>> 3] & ~(0x80 >>> (bit & 7))) | (v << (7 - (bit & 7))));
        }
    }
}
