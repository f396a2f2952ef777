package org.greenspoof.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.greenspoof.io.FileFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SafetensorsFileTest {

    @TempDir
    Path tmp;

    private static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    @Test
    void writerRoundTripsWithMetadataScalarAndEmptyShapes() throws IOException {
        Path f = tmp.resolve("m.safetensors");
        var entries = List.of(
                new SafetensorsWriter.Entry("b.weight", new long[] {3, 5}, random(15, 1)),
                new SafetensorsWriter.Entry("a.scalar", new long[] {}, new float[] {2.5f}),
                new SafetensorsWriter.Entry("c.empty", new long[] {4, 0}, new float[0]),
                new SafetensorsWriter.Entry("d.vec", new long[] {7}, random(7, 2)));
        SafetensorsWriter.write(f, Map.of("format", "pt", "note", "x"), entries);

        byte[] bytes = Files.readAllBytes(f);
        long headerLen = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, headerLen % 8, "header padded to a multiple of 8");
        String header = new String(bytes, 8, (int) headerLen, StandardCharsets.UTF_8);
        assertTrue(header.endsWith("}") || header.endsWith(" "), header);
        assertEquals(8 + headerLen + 4 * (15 + 1 + 0 + 7), bytes.length);

        try (SafetensorsFile st = SafetensorsFile.open(f)) {
            assertEquals(List.of("a.scalar", "b.weight", "c.empty", "d.vec"), st.names(), "sorted by name");
            assertEquals(Map.of("format", "pt", "note", "x"), st.metadata());
            for (var e : entries) {
                TensorInfo t = st.info(e.name());
                assertEquals("F32", t.dtype());
                assertArrayEquals(e.shape(), t.shape());
                assertArrayEquals(e.data(), st.readFloats(e.name()), e.name());
            }
            assertEquals(1, st.info("a.scalar").numel());
            assertNull(st.info("nope"));
            assertThrows(IllegalArgumentException.class, () -> st.readFloats("nope"));
        }
        try (var files = Files.list(tmp)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void writerRejectsDataThatDoesNotMatchItsShapeAndKeepsTheOldFile() throws IOException {
        Path f = tmp.resolve("m.safetensors");
        SafetensorsWriter.write(f, Map.of(), List.of(new SafetensorsWriter.Entry("x", new long[] {2}, new float[] {1, 2})));
        byte[] before = Files.readAllBytes(f);
        var e = assertThrows(IllegalArgumentException.class, () -> SafetensorsWriter.write(f, Map.of(),
                List.of(new SafetensorsWriter.Entry("x", new long[] {2, 2}, new float[] {1, 2, 3}))));
        assertTrue(e.getMessage().contains("'x'"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(f));
        try (var files = Files.list(tmp)) {
            assertEquals(1, files.count());
        }
    }

    /** Bit patterns whose float32 value is known exactly (IEEE 754 binary16 definition). */
    @Test
    void halfPrecisionDecodesSubnormalsInfinitiesAndNaN() throws IOException {
        long[] bits = {0x0000, 0x8000, 0x3c00, 0xbc00, 0x0001, 0x03ff, 0x0400, 0x7bff, 0x7c00, 0xfc00, 0x7e00, 0x3555};
        float[] want = {0f, -0f, 1f, -1f, 0x1p-24f, 1023 * 0x1p-24f, 0x1p-14f, 65504f,
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 0x1.554p-2f};
        long[] bf = {0x3f80, 0xc000, 0x7f80, 0x0001, 0x7fc0};
        float[] bfWant = {1f, -2f, Float.POSITIVE_INFINITY, Float.intBitsToFloat(0x00010000), Float.NaN};
        String header = "{\"h\":{\"dtype\":\"F16\",\"shape\":[12],\"data_offsets\":[0,24]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[5],\"data_offsets\":[24,34]},"
                + "\"d\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[34,50]},"
                + "\"i\":{\"dtype\":\"I64\",\"shape\":[1,2],\"data_offsets\":[50,66]}}";
        ByteBuffer f64 = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putDouble(0.1).putDouble(-3e300);
        Path f = RawSafetensors.write(tmp, "h.safetensors", header,
                RawSafetensors.concat(RawSafetensors.le(2, bits), RawSafetensors.le(2, bf), f64.array(), RawSafetensors.le(8, -7, 1L << 40)));
        try (SafetensorsFile st = SafetensorsFile.open(f)) {
            assertArrayEquals(want, st.readFloats("h"));
            assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(st.readFloats("h")[1]), "sign of zero");
            assertArrayEquals(bfWant, st.readFloats("b"));
            assertArrayEquals(new float[] {0.1f, Float.NEGATIVE_INFINITY}, st.readFloats("d"));
            assertArrayEquals(new float[] {-7f, 0x1p40f}, st.readFloats("i"));
        }
    }

    /**
     * Tensors are read in chunks of at most a fixed size. With chunks of a few bytes, tensors are
     * split into many reads (F16/F32/F64 elements at odd offsets included), and every chunk size
     * must give the same values.
     */
    @ParameterizedTest
    @ValueSource(longs = {8, 16, 24, 40, 1024})
    void tensorsReadInManyChunksReadTheSame(long chunk) throws IOException {
        float[] a = random(13, 3);
        float[] c = random(9, 4);
        long[] halves = {0x3c00, 0x4000, 0x4200, 0xc400, 0x0001};
        ByteBuffer f64 = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putDouble(1.5).putDouble(-2.25).putDouble(1e-3);
        // 52 bytes of F32, then 10 of F16 (so the F64 that follows starts at the odd offset 62), then F32 again
        String header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[13],\"data_offsets\":[0,52]},"
                + "\"h\":{\"dtype\":\"F16\",\"shape\":[5],\"data_offsets\":[52,62]},"
                + "\"d\":{\"dtype\":\"F64\",\"shape\":[3],\"data_offsets\":[62,86]},"
                + "\"c\":{\"dtype\":\"F32\",\"shape\":[3,3],\"data_offsets\":[86,122]}}";
        Path f = RawSafetensors.write(tmp, "w.safetensors", header, RawSafetensors.concat(RawSafetensors.f32(a),
                RawSafetensors.le(2, halves), f64.array(), RawSafetensors.f32(c)));
        try (SafetensorsFile st = SafetensorsFile.open(f, chunk)) {
            assertArrayEquals(a, st.readFloats("a"));
            assertArrayEquals(new float[] {1, 2, 3, -4, 0x1p-24f}, st.readFloats("h"));
            assertArrayEquals(new float[] {1.5f, -2.25f, 1e-3f}, st.readFloats("d"));
            assertArrayEquals(c, st.readFloats("c"));
        }
    }

    /**
     * A real file over 2 GB (offsets beyond int range), kept cheap by being sparse: a 3 GiB zero
     * "filler" tensor that is never read, then tensors around the 3 GiB mark.
     */
    @Test
    void sparseFileOverTwoGigabytesReadsTensorsBeyondTwoGigabytes() throws IOException {
        long filler = 3L * (1L << 30) - 6;
        float[] x = random(1000, 5);
        long[] halves = {0x3c00, 0xc000, 0x0001};
        String header = "{\"filler\":{\"dtype\":\"U8\",\"shape\":[" + filler + "],\"data_offsets\":[0," + filler + "]},"
                + "\"x\":{\"dtype\":\"F32\",\"shape\":[10,100],\"data_offsets\":[" + filler + "," + (filler + 4000) + "]},"
                + "\"h\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[" + (filler + 4000) + "," + (filler + 4006) + "]}}";
        byte[] head = RawSafetensors.build(header, new byte[0]);
        Path f = tmp.resolve("big.safetensors");
        try (var raf = new java.io.RandomAccessFile(f.toFile(), "rw")) {
            raf.write(head);
            raf.seek(head.length + filler);
            raf.write(RawSafetensors.concat(RawSafetensors.f32(x), RawSafetensors.le(2, halves)));
        }
        assertTrue(Files.size(f) > 3L << 30);
        try (SafetensorsFile st = SafetensorsFile.open(f)) {
            assertEquals(filler, st.info("filler").numel());
            assertArrayEquals(x, st.readFloats("x"));
            assertArrayEquals(new float[] {1, -2, 0x1p-24f}, st.readFloats("h"));
        }
    }

    @Test
    void referenceFixturesOpenAndTheirTensorsRead() throws IOException {
        Path ref = SharedFixtures.reference();
        try (var sets = Files.list(ref)) {
            for (Path dir : sets.filter(p -> Files.exists(p.resolve("model.safetensors"))).toList()) {
                try (SafetensorsFile big = SafetensorsFile.open(dir.resolve("model.safetensors"));
                        SafetensorsFile small = SafetensorsFile.open(dir.resolve("model.safetensors"), 4096)) {
                    assertEquals("pt", big.metadata().get("format"), dir.toString());
                    assertTrue(big.names().size() > 50, dir.toString());
                    for (String n : big.names()) {
                        float[] x = big.readFloats(n);
                        assertEquals(big.info(n).numel(), x.length);
                        assertArrayEquals(x, small.readFloats(n), n);
                    }
                }
            }
        }
    }

    // ---- bad input: each must be a FileFormatException that names the defect ----

    private static final String GOOD_HEADER = "{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";

    private FileFormatException bad(String header, byte[] data) throws IOException {
        Path f = RawSafetensors.write(tmp, "bad.safetensors", header, data);
        return assertThrows(FileFormatException.class, () -> SafetensorsFile.open(f).close());
    }

    private static void mentions(Exception e, String... words) {
        for (String w : words) {
            assertTrue(e.getMessage().contains(w), "'" + w + "' not in: " + e.getMessage());
        }
    }

    @Test
    void truncatedFileIsRejected() throws IOException {
        byte[] ok = RawSafetensors.build(GOOD_HEADER, RawSafetensors.f32(1, 2));
        for (int cut : new int[] {1, 4, 8, ok.length - 8 - 3}) {
            Path f = tmp.resolve("t" + cut);
            Files.write(f, Arrays.copyOf(ok, ok.length - cut));
            var e = assertThrows(FileFormatException.class, () -> SafetensorsFile.open(f).close());
            assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        }
        Files.write(tmp.resolve("tiny"), new byte[] {1, 2, 3});
        mentions(assertThrows(FileFormatException.class, () -> SafetensorsFile.open(tmp.resolve("tiny"))), "8-byte header length");
    }

    @Test
    void headerLengthPastEndOfFileIsRejected() throws IOException {
        byte[] b = RawSafetensors.build(GOOD_HEADER, RawSafetensors.f32(1, 2));
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 5000);
        Path f = tmp.resolve("len");
        Files.write(f, b);
        mentions(assertThrows(FileFormatException.class, () -> SafetensorsFile.open(f)), "header length", "5000");
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, -1);
        Files.write(f, b);
        mentions(assertThrows(FileFormatException.class, () -> SafetensorsFile.open(f)), "18446744073709551615");
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, SafetensorsFile.MAX_HEADER_BYTES + 1);
        Files.write(f, b);
        mentions(assertThrows(FileFormatException.class, () -> SafetensorsFile.open(f)), "header length");
    }

    @Test
    void overlappingOffsetsHolesAndTrailingBytesAreRejected() throws IOException {
        mentions(bad("{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"y\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", new byte[12]), "overlap", "'y'");
        mentions(bad("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"y\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", new byte[12]), "hole", "'y'");
        mentions(bad("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", new byte[8]), "hole");
        mentions(bad(GOOD_HEADER, new byte[12]), "end of file", "4 more bytes");
        mentions(bad("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}}", new byte[4]), "begin <= end");
    }

    @Test
    void unknownDtypeAndWrongByteCountsAreRejected() throws IOException {
        mentions(bad("{\"x\":{\"dtype\":\"F17\",\"shape\":[2],\"data_offsets\":[0,8]}}", new byte[8]), "known dtype", "F17", "'x'");
        mentions(bad("{\"x\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,8]}}", new byte[8]), "4 bytes", "span 8");
        mentions(bad("{\"x\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", new byte[8]), "non-negative");
        mentions(bad("{\"x\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,8]}}", new byte[8]), "64 bits");
    }

    @Test
    void malformedHeadersAreRejected() throws IOException {
        mentions(bad("{\"x\":", new byte[0]), "valid JSON");
        mentions(bad("[1,2]", new byte[0]), "JSON object");
        mentions(bad(GOOD_HEADER.replace("}}", "},\"x\":{}}"), RawSafetensors.f32(1, 2)), "valid JSON");
        mentions(bad(GOOD_HEADER + "{}", RawSafetensors.f32(1, 2)), "valid JSON");
        mentions(bad("{\"__metadata__\":{\"a\":1}," + GOOD_HEADER.substring(1), RawSafetensors.f32(1, 2)), "__metadata__");
        mentions(bad("{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"extra\":1}}", new byte[8]), "exactly");
        mentions(bad("{\"x\":{\"dtype\":\"F32\",\"shape\":[2]}}", new byte[8]), "exactly");
    }

    /** Random corruptions (fixed seed) of a valid file: each opens and reads, or is a FileFormatException. */
    @Test
    void corruptedFilesFailCleanly() throws IOException {
        Path good = tmp.resolve("good.safetensors");
        SafetensorsWriter.write(good, Map.of("format", "pt"), List.of(new SafetensorsWriter.Entry("a.w", new long[] {3, 4}, random(12, 8)),
                new SafetensorsWriter.Entry("b", new long[] {5}, random(5, 9))));
        byte[] ok = Files.readAllBytes(good);
        Random r = new Random(17);
        Path f = tmp.resolve("fuzz.safetensors");
        int refused = 0;
        for (int trial = 0; trial < 200; trial++) {
            byte[] b = ok.clone();
            // mostly the length field and the header, where the structure is
            int pos = r.nextInt(4) == 0 ? r.nextInt(8) : r.nextInt(b.length);
            b[pos] = (byte) r.nextInt(256);
            Files.write(f, r.nextInt(5) == 0 ? Arrays.copyOf(b, r.nextInt(b.length)) : b);
            try (SafetensorsFile st = SafetensorsFile.open(f)) {
                for (String n : st.names()) {
                    assertEquals(st.info(n).numel(), st.readFloats(n).length);
                }
            } catch (FileFormatException e) {
                refused++;
            }
        }
        assertTrue(refused > 40, "refused " + refused);
    }

    @Test
    void unsupportedDtypeIsListedButNotReadAsFloat() throws IOException {
        Path f = RawSafetensors.write(tmp, "u8.safetensors", "{\"m\":{\"dtype\":\"BOOL\",\"shape\":[3],\"data_offsets\":[0,3]}}   ",
                new byte[] {1, 0, 1});
        try (SafetensorsFile st = SafetensorsFile.open(f)) {
            assertEquals("BOOL", st.info("m").dtype());
            mentions(assertThrows(IllegalArgumentException.class, () -> st.readFloats("m")), "BOOL");
        }
    }
}
