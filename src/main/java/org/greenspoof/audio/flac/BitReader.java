package org.greenspoof.audio.flac;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.greenspoof.io.FileFormatException;

/**
 * MSB-first bit reader over a file's bytes held in memory (all of them, or a window), with a
 * 64-bit cache.
 *
 * <p>The top {@code bits} bits of {@code cache} are the next unread bits of the stream. The bits
 * below them are either zero or the stream's own following bits (a refill loads 8 bytes at once
 * but counts only the whole bytes that fit), so OR-ing a later refill over them is harmless.
 * {@code bits} stays at most 63, which keeps every shift below 64 (Java takes shift counts mod 64).
 */
final class BitReader {

    private static final VarHandle BIG_ENDIAN_LONG =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private byte[] data;
    /** Valid bytes of data, and the file offset of data[0]. */
    private int limit;
    private long origin;
    private final Path file;
    private long cache;
    private int bits;
    /** Next byte of {@code data} to load into the cache. */
    private int pos;

    BitReader(Path file) {
        this.file = file;
    }

    /** Reads data[0 .. limit) from now on, the file's bytes from offset {@code origin}; seek before reading. */
    void window(byte[] data, int limit, long origin) {
        this.data = data;
        this.limit = limit;
        this.origin = origin;
    }

    /** Continues reading at a byte offset, dropping whatever was cached. */
    void seek(int bytePos) {
        pos = bytePos;
        cache = 0;
        bits = 0;
    }

    /** Index in data of the byte holding the next unread bit. */
    long bytePosition() {
        return ((long) pos * 8 - bits) >>> 3;
    }

    /** Unread bits before the next byte boundary (0..7). */
    int bitsToByteBoundary() {
        return bits & 7;
    }

    /** Loads whole bytes until at least 56 bits are cached or the data ends. */
    private void refill() {
        if (pos + 8 <= limit) {
            cache |= (long) BIG_ENDIAN_LONG.get(data, pos) >>> bits;
            int n = (63 - bits) >>> 3;
            pos += n;
            bits += n << 3;
        } else {
            while (bits <= 55 && pos < limit) {
                cache |= (data[pos++] & 0xFFL) << (56 - bits);
                bits += 8;
            }
        }
    }

    private void need(int n) throws FileFormatException {
        refill();
        if (bits < n) {
            throw new Truncated(file, origin + limit, n + " more bits of frame data");
        }
    }

    /** An unsigned value of 1..31 bits. */
    int readUInt(int n) throws FileFormatException {
        if (bits < n) {
            need(n);
        }
        int v = (int) (cache >>> -n);
        cache <<= n;
        bits -= n;
        return v;
    }

    /** A two's complement value of 1..56 bits, sign-extended. */
    long readSigned(int n) throws FileFormatException {
        if (bits < n) {
            need(n);
        }
        long v = cache >> -n;
        cache <<= n;
        bits -= n;
        return v;
    }

    /** Number of 0 bits before the next 1 bit, which is consumed too. */
    long readUnary() throws FileFormatException {
        long q = 0;
        while (true) {
            if (bits == 0) {
                need(1);
            }
            int z = Long.numberOfLeadingZeros(cache);
            if (z < bits) {
                cache <<= z + 1;
                bits -= z + 1;
                return q + z;
            }
            q += bits;
            cache = 0;
            bits = 0;
        }
    }

    /**
     * Rice-coded residuals with parameter {@code k} (0..30) into {@code dst[from..to)}, each a
     * unary quotient, k low bits, then zigzag-mapped to a signed value.
     */
    void readRice(long[] dst, int from, int to, int k) throws FileFormatException {
        long c = cache;
        int b = bits;
        for (int i = from; i < to; i++) {
            if (b < 32) {
                cache = c;
                bits = b;
                refill();
                c = cache;
                b = bits;
            }
            int z = Long.numberOfLeadingZeros(c);
            int used = z + 1 + k;
            long v;
            if (used <= b) {
                // (x >>> 1) >>> (63 - k) is x >>> (64 - k) that also yields 0 for k = 0.
                v = ((long) z << k) | (((c << z << 1) >>> 1) >>> (63 - k));
                c <<= used;
                b -= used;
            } else {
                cache = c;
                bits = b;
                long q = readUnary();
                if (q >= 1L << (32 - k)) {
                    throw new FileFormatException(file, origin + bytePosition(),
                            "a Rice-coded residual of at most 32 bits, found a quotient of " + q);
                }
                v = (q << k) | (k == 0 ? 0 : readUInt(k));
                c = cache;
                b = bits;
            }
            dst[i] = (v >>> 1) ^ -(v & 1);
        }
        cache = c;
        bits = b;
    }
}
