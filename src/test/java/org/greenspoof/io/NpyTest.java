package org.greenspoof.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {

    @TempDir
    Path tmp;

    /** Exactly what numpy 1.24 np.save writes for np.zeros((2, 3), '<f4') (header part). */
    private static final String NUMPY_HEADER_2x3 = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"
            + " ".repeat(58) + "\n";

    @Test
    void writesWhatNumpyWrites() throws IOException {
        Path f = tmp.resolve("a.npy");
        float[] data = {1f, -2.5f, 3f, Float.MIN_VALUE, 1e30f, 0f};
        Npy.write(f, new long[]{2, 3}, data);
        byte[] b = Files.readAllBytes(f);
        assertEquals(128 + 24, b.length);
        assertArrayEquals(new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 118, 0}, Arrays.copyOf(b, 10));
        assertEquals(NUMPY_HEADER_2x3, new String(b, 10, 118, StandardCharsets.ISO_8859_1));
        assertEquals(-2.5f, ByteBuffer.wrap(b, 132, 4).order(ByteOrder.LITTLE_ENDIAN).getFloat());
        Npy.Array a = Npy.read(f);
        assertArrayEquals(new long[]{2, 3}, a.shape());
        assertArrayEquals(data, a.data());
    }

    @Test
    void roundTripsOtherRanksAndTheNestedWriter() throws IOException {
        Path f = tmp.resolve("b.npy");
        Npy.write(f, new long[]{5}, new float[]{1, 2, 3, 4, 5});
        assertArrayEquals(new long[]{5}, Npy.read(f).shape());
        Npy.write(f, new long[]{}, new float[]{7});
        assertArrayEquals(new long[]{}, Npy.read(f).shape());
        float[][][] nested = {{{1, 2}, {3, 4}, {5, 6}}, {{7, 8}, {9, 10}, {11, 12}}};
        Npy.write(f, nested);
        Npy.Array a = Npy.read(f);
        assertArrayEquals(new long[]{2, 3, 2}, a.shape());
        assertArrayEquals(new float[]{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, a.data());
        Npy.write(f, new float[][]{{1, 2, 3}, {4, 5, 6}});
        assertArrayEquals(new long[]{2, 3}, Npy.read(f).shape());
        assertArrayEquals(new float[]{1, 2, 3, 4, 5, 6}, Npy.read(f).data());
        assertThrows(IllegalArgumentException.class, () -> Npy.write(f, new long[]{2, 2}, new float[3]));
        assertThrows(IllegalArgumentException.class, () -> Npy.write(f, new float[][]{{1}, {2, 3}}));
    }

    @Test
    void readsFloat64Int64AndFortranOrder() throws IOException {
        Path f = tmp.resolve("c.npy");
        write(f, "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", le(8 * 3).putDouble(0.5).putDouble(-1e-3).putDouble(2));
        assertArrayEquals(new float[]{0.5f, -1e-3f, 2f}, Npy.read(f).data());
        write(f, "{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }", le(16).putLong(49).putLong(-118));
        assertArrayEquals(new float[]{49, -118}, Npy.read(f).data());
        // [[1,2,3],[4,5,6]] stored column-major.
        ByteBuffer fo = le(24);
        for (float v : new float[]{1, 4, 2, 5, 3, 6}) {
            fo.putFloat(v);
        }
        write(f, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", fo);
        assertArrayEquals(new float[]{1, 2, 3, 4, 5, 6}, Npy.read(f).data());
    }

    @Test
    void badFilesNameTheProblem() throws IOException {
        Path f = tmp.resolve("bad.npy");
        Files.write(f, "hello".getBytes(StandardCharsets.US_ASCII));
        assertTrue(assertThrows(FileFormatException.class, () -> Npy.read(f)).getMessage().contains("magic"));
        write(f, "{'descr': '<i2', 'fortran_order': False, 'shape': (2,), }", le(4));
        assertTrue(assertThrows(FileFormatException.class, () -> Npy.read(f)).getMessage().contains("'<i2'"));
        write(f, "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", le(8));
        FileFormatException e = assertThrows(FileFormatException.class, () -> Npy.read(f));
        assertTrue(e.getMessage().contains("12 data bytes"), e.getMessage());
        assertEquals(128, e.offset(), "the data start");
    }

    /** Issue 15 #7: a file cut anywhere inside its preamble or header names the file and what is missing. */
    @Test
    void aFileCutInsideItsHeaderNamesTheFileAndTheMissingPart() throws IOException {
        Path whole = tmp.resolve("whole.npy");
        Npy.write(whole, new long[] {2}, new float[] {1, 2});
        byte[] b = Files.readAllBytes(whole);
        for (int cut = 6; cut < 128; cut++) {
            Path f = tmp.resolve("cut.npy");
            Files.write(f, Arrays.copyOf(b, cut));
            FileFormatException e = assertThrows(FileFormatException.class, () -> Npy.read(f), "cut at " + cut);
            assertTrue(e.getMessage().startsWith(f + ": at byte "), e.getMessage());
            assertTrue(e.getMessage().contains(cut < 8 ? "format version" : cut < 10 ? "header length" : "header"),
                    e.getMessage());
        }
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static void write(Path f, String dict, ByteBuffer data) throws IOException {
        int len = dict.length() + 1;
        String padded = dict + " ".repeat((64 - (10 + len) % 64) % 64) + "\n";
        ByteBuffer b = le(10 + padded.length() + data.capacity());
        b.put(new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) padded.length());
        b.put(padded.getBytes(StandardCharsets.ISO_8859_1)).put(data.array());
        Files.write(f, b.array());
    }
}
