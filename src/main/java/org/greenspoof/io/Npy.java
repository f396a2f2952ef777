package org.greenspoof.io;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy {@code .npy} files (format 1.0 written; 1.0-3.0 read), the exchange format with the Python
 * reference tools. Written arrays are little-endian float32 in C order.
 */
public final class Npy {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** numpy aligns the data start to 64 bytes; readers rely on nothing else. */
    private static final int ALIGN = 64;
    private static final int GROWTH_AXIS_MAX_DIGITS = 21;
    /** Longest header dictionary read: numpy itself refuses headers over 10,000 bytes by default. */
    private static final long MAX_HEADER_BYTES = 1 << 16;
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    /** A dense array in C order. */
    public record Array(long[] shape, float[] data) {
    }

    /** Writes {@code data} (C order) as an {@code <f4} array of the given shape, atomically. */
    public static void write(Path file, long[] shape, float[] data) throws IOException {
        if (product(shape) != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + product(shape)
                    + " values, data has " + data.length);
        }
        writeAtomically(file, shape, out -> writeFloats(out, data));
    }

    /** Writes a [d0][d1] array row by row (no copy into one block), atomically. */
    public static void write(Path file, float[][] data) throws IOException {
        writeRows(file, new float[][][]{data}, false);
    }

    /** Writes a [d0][d1][d2] array row by row (no copy into one block), atomically. */
    public static void write(Path file, float[][][] data) throws IOException {
        writeRows(file, data, true);
    }

    private static void writeRows(Path file, float[][][] data, boolean rank3) throws IOException {
        long d1 = data.length == 0 ? 0 : data[0].length;
        long d2 = d1 == 0 ? 0 : data[0][0].length;
        for (float[][] plane : data) {
            if (plane.length != d1) {
                throw new IllegalArgumentException("ragged array cannot be written as .npy");
            }
            for (float[] row : plane) {
                if (row.length != d2) {
                    throw new IllegalArgumentException("ragged array cannot be written as .npy");
                }
            }
        }
        long[] shape = rank3 ? new long[]{data.length, d1, d2} : new long[]{d1, d2};
        writeAtomically(file, shape, out -> {
            for (float[][] plane : data) {
                for (float[] row : plane) {
                    writeFloats(out, row);
                }
            }
        });
    }

    /** Reads an {@code <f4}, {@code <f8} or {@code <i8} array as float32 in C order (Fortran-order files are transposed). */
    public static Array read(Path file) throws IOException {
        try (InputStream raw = Files.newInputStream(file);
             DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(raw, 1 << 16))) {
            byte[] magic = new byte[6];
            readFully(in, magic, file, 0, "the .npy magic \\x93NUMPY");
            if (!Arrays.equals(magic, MAGIC)) {
                throw new FileFormatException(file, 0, "the .npy magic \\x93NUMPY");
            }
            byte[] version = new byte[2];
            readFully(in, version, file, 6, "the format version (2 bytes)");
            int major = version[0] & 0xFF;
            long headerLen;
            long dataStart;
            if (major == 1) {
                byte[] len = new byte[2];
                readFully(in, len, file, 8, "the header length (2 bytes)");
                headerLen = ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xFFFF;
                dataStart = 10 + headerLen;
            } else if (major == 2 || major == 3) {
                byte[] len = new byte[4];
                readFully(in, len, file, 8, "the header length (4 bytes)");
                headerLen = Integer.toUnsignedLong(ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).getInt());
                dataStart = 12 + headerLen;
            } else {
                throw new FileFormatException(file, 6, "format version 1, 2 or 3, found " + major);
            }
            long fileSize = Files.size(file);
            if (headerLen > MAX_HEADER_BYTES) {
                throw new FileFormatException(file, 8, "a header dictionary of at most " + MAX_HEADER_BYTES
                        + " bytes, found " + headerLen);
            }
            if (dataStart > fileSize) {
                throw new FileFormatException(file, dataStart - headerLen, "a header of " + headerLen
                        + " bytes within the file of " + fileSize + " bytes");
            }
            byte[] hb = new byte[(int) headerLen];
            readFully(in, hb, file, dataStart - headerLen, "the header dictionary");
            String header = new String(hb, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
            long headerOff = dataStart - headerLen;
            String descr = group(DESCR, header, file, headerOff, "a 'descr' entry");
            boolean fortran = group(FORTRAN, header, file, headerOff, "a 'fortran_order' entry").equals("True");
            long[] shape = parseShape(group(SHAPE, header, file, headerOff, "a 'shape' tuple"), file, headerOff);
            int itemSize = switch (descr) {
                case "<f4" -> 4;
                case "<f8", "<i8" -> 8;
                default -> throw new FileFormatException(file, headerOff, "dtype '<f4', '<f8' or '<i8', found '" + descr + "'");
            };
            long count;
            try {
                count = product(shape);
            } catch (ArithmeticException e) {
                count = Long.MAX_VALUE;
            }
            if (count > Integer.MAX_VALUE - 8) {
                throw new FileFormatException(file, headerOff, "at most " + (Integer.MAX_VALUE - 8) + " elements, shape has " + count);
            }
            if (fileSize - dataStart != count * itemSize) {
                throw new FileFormatException(file, dataStart, (count * itemSize) + " data bytes for shape "
                        + Arrays.toString(shape) + ", found " + (fileSize - dataStart));
            }
            float[] data = new float[(int) count];
            byte[] buf = new byte[1 << 16];
            ByteBuffer bb = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
            int done = 0;
            int perChunk = buf.length / itemSize;
            while (done < count) {
                int n = (int) Math.min(perChunk, count - done);
                readFully(in, buf, n * itemSize, file, dataStart + (long) done * itemSize, "array data");
                for (int i = 0; i < n; i++) {
                    data[done + i] = switch (itemSize) {
                        case 4 -> bb.getFloat(i * 4);
                        default -> descr.equals("<f8") ? (float) bb.getDouble(i * 8) : (float) bb.getLong(i * 8);
                    };
                }
                done += n;
            }
            return new Array(shape, fortran ? toCOrder(data, shape) : data);
        }
    }

    /** The exact size of the file {@link #write(Path, long[], float[])} writes for {@code shape}. */
    public static long fileSize(long[] shape) {
        return header(shape).length + 4 * product(shape);
    }

    private static void writeAtomically(Path file, long[] shape, AtomicFiles.Content body) throws IOException {
        AtomicFiles.write(file, out -> {
            out.write(header(shape));
            body.writeTo(out);
        });
    }

    private static byte[] header(long[] shape) {
        StringBuilder sb = new StringBuilder("{'descr': '<f4', 'fortran_order': False, 'shape': (");
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            }
            sb.append(shape[i]).append(shape.length == 1 ? "," : i + 1 < shape.length ? ", " : "");
        }
        sb.append("), }");
        if (shape.length > 0) {
            // numpy leaves room for the first axis to grow to 21 digits; matching it makes our files byte-identical.
            sb.append(" ".repeat(GROWTH_AXIS_MAX_DIGITS - Long.toString(shape[0]).length()));
        }
        int total = 10 + sb.length() + 1;
        sb.append(" ".repeat((ALIGN - total % ALIGN) % ALIGN)).append('\n');
        byte[] dict = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(10 + dict.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) dict.length).put(dict);
        return b.array();
    }

    private static void writeFloats(OutputStream out, float[] data) throws IOException {
        byte[] buf = new byte[Math.min(data.length, 1 << 14) * 4];
        ByteBuffer bb = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
        for (int off = 0; off < data.length; ) {
            int n = Math.min(buf.length / 4, data.length - off);
            for (int i = 0; i < n; i++) {
                bb.putFloat(i * 4, data[off + i]);
            }
            out.write(buf, 0, n * 4);
            off += n;
        }
    }

    /** numpy saves F-contiguous arrays (e.g. transposed views) in Fortran order; callers get C order. */
    private static float[] toCOrder(float[] f, long[] shape) {
        int rank = shape.length;
        float[] c = new float[f.length];
        int[] idx = new int[rank];
        long[] fStride = new long[rank];
        long s = 1;
        for (int d = 0; d < rank; d++) {
            fStride[d] = s;
            s *= shape[d];
        }
        for (int i = 0; i < c.length; i++) {
            long fi = 0;
            for (int d = 0; d < rank; d++) {
                fi += idx[d] * fStride[d];
            }
            c[i] = f[(int) fi];
            for (int d = rank - 1; d >= 0; d--) {
                if (++idx[d] < shape[d]) {
                    break;
                }
                idx[d] = 0;
            }
        }
        return c;
    }

    private static long[] parseShape(String s, Path file, long off) throws FileFormatException {
        String[] parts = s.split(",");
        long[] shape = new long[parts.length];
        int n = 0;
        for (String p : parts) {
            String t = p.trim();
            if (t.endsWith("L")) {
                t = t.substring(0, t.length() - 1);
            }
            if (t.isEmpty()) {
                continue;
            }
            try {
                shape[n] = Long.parseLong(t);
            } catch (NumberFormatException e) {
                throw new FileFormatException(file, off, "integer dimensions in 'shape', found '" + s + "'");
            }
            if (shape[n++] < 0) {
                throw new FileFormatException(file, off, "non-negative dimensions in 'shape', found '" + s + "'");
            }
        }
        return Arrays.copyOf(shape, n);
    }

    private static long product(long[] shape) {
        long p = 1;
        for (long d : shape) {
            p = Math.multiplyExact(p, d);
        }
        return p;
    }

    private static String group(Pattern p, String header, Path file, long off, String expected) throws FileFormatException {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new FileFormatException(file, off, expected + " in the header " + header.trim());
        }
        return m.group(1);
    }

    private static void readFully(DataInputStream in, byte[] b, Path file, long off, String what) throws IOException {
        readFully(in, b, b.length, file, off, what);
    }

    private static void readFully(DataInputStream in, byte[] b, int len, Path file, long off, String what) throws IOException {
        try {
            in.readFully(b, 0, len);
        } catch (EOFException e) {
            throw new FileFormatException(file, off, what + " (file ends early)");
        }
    }
}
