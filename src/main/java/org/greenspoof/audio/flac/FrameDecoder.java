package org.greenspoof.audio.flac;

import java.nio.file.Path;
import java.util.Arrays;
import org.greenspoof.io.FileFormatException;

/**
 * Decodes one FLAC frame at a time: header (checked against STREAMINFO and its CRC-8), one
 * subframe per channel into 64-bit scratch buffers, the CRC-16 over the frame, then channel
 * decorrelation into the caller's output arrays.
 *
 * <p>Scratch samples are {@code long} so that 32-bit streams (whose side channel has 33 bits) and
 * LPC sums of 32 coefficients of 15 bits over 33-bit samples need no separate code path.
 */
final class FrameDecoder {

    private static final int INDEPENDENT_MAX = 7;
    private static final int LEFT_SIDE = 8;
    private static final int RIGHT_SIDE = 9;
    private static final int MID_SIDE = 10;
    private static final int MAX_LPC_ORDER = 32;

    /** The file's bytes from offset {@code origin}, valid up to {@code limit}: all of it, or a window. */
    private byte[] data;
    private int limit;
    private long origin;
    private final Path file;
    private final int sampleRate;
    private final int channels;
    private final int bitsPerSample;
    private final int maxBlockSize;
    private final BitReader in;
    private final long[][] scratch;
    private final long[] coefs = new long[MAX_LPC_ORDER];

    // The current frame, set by readHeader.
    private int frameStart;
    private int headerEnd;
    private boolean variable;
    private long number;
    private int blockSize;
    private int assignment;

    FrameDecoder(Path file, int sampleRate, int channels, int bitsPerSample, int maxBlockSize) {
        this.file = file;
        this.sampleRate = sampleRate;
        this.channels = channels;
        this.bitsPerSample = bitsPerSample;
        this.maxBlockSize = maxBlockSize;
        this.in = new BitReader(file);
        this.scratch = new long[channels][maxBlockSize];
    }

    /**
     * Decodes from data[0 .. limit), the file's bytes from offset {@code origin}; positions given
     * and returned are indices into data, error offsets are the file's.
     */
    void window(byte[] data, int limit, long origin) {
        this.data = data;
        this.limit = limit;
        this.origin = origin;
        in.window(data, limit, origin);
    }

    /** True when the current frame numbers samples (variable block size), false for frame numbers. */
    boolean variableBlockSize() {
        return variable;
    }

    /** Frame number (fixed block size) or number of the first sample (variable block size). */
    long number() {
        return number;
    }

    int blockSize() {
        return blockSize;
    }

    /**
     * Parses and checks the header of the frame at {@code start}. The header's layout is read
     * first so that a corrupt header is reported by its CRC-8 before its field values are judged.
     */
    void readHeader(int start) throws FileFormatException {
        frameStart = start;
        require(start, 4, "a 4-byte frame header");
        int b0 = u8(start);
        int b1 = u8(start + 1);
        if (b0 != 0xFF || (b1 & 0xFE) != 0xF8) {
            throw fail(start, String.format("a frame sync code 0xFFF8 or 0xFFF9, found 0x%02X%02X", b0, b1));
        }
        variable = (b1 & 1) != 0;
        int b2 = u8(start + 2);
        int b3 = u8(start + 3);
        int sizeCode = b2 >>> 4;
        int rateCode = b2 & 15;
        assignment = b3 >>> 4;
        int depthCode = (b3 >>> 1) & 7;

        int p = readCodedNumber(start + 4);
        int sizeAt = p;
        int sizeBytes = sizeCode == 6 ? 1 : sizeCode == 7 ? 2 : 0;
        p += sizeBytes;
        int rateAt = p;
        int rateBytes = rateCode == 12 ? 1 : rateCode == 13 || rateCode == 14 ? 2 : 0;
        p += rateBytes;
        require(p, 1, "the frame header's CRC-8");
        int crc = Crc.crc8(data, start, p);
        if (crc != u8(p)) {
            throw fail(p, String.format("CRC-8 0x%02X of the frame header, found 0x%02X", crc, u8(p)));
        }
        headerEnd = p + 1;

        if ((b3 & 1) != 0) {
            throw fail(start + 3, "a zero reserved bit after the sample size code");
        }
        blockSize = switch (sizeCode) {
            case 0 -> throw fail(start + 2, "a block size code other than the reserved 0");
            case 1 -> 192;
            case 2, 3, 4, 5 -> 576 << (sizeCode - 2);
            case 6 -> u8(sizeAt) + 1;
            case 7 -> u16(sizeAt) + 1;
            default -> 256 << (sizeCode - 8);
        };
        if (blockSize > maxBlockSize) {
            throw fail(start + 2, "a block size of at most " + maxBlockSize
                    + " samples (the STREAMINFO maximum), found " + blockSize);
        }
        int rate = switch (rateCode) {
            case 0 -> sampleRate;
            case 1 -> 88200;
            case 2 -> 176400;
            case 3 -> 192000;
            case 4 -> 8000;
            case 5 -> 16000;
            case 6 -> 22050;
            case 7 -> 24000;
            case 8 -> 32000;
            case 9 -> 44100;
            case 10 -> 48000;
            case 11 -> 96000;
            case 12 -> u8(rateAt) * 1000;
            case 13 -> u16(rateAt);
            case 14 -> u16(rateAt) * 10;
            default -> throw fail(start + 2, "a sample rate code other than the invalid 15");
        };
        if (rate != sampleRate) {
            throw fail(start + 2, "the STREAMINFO sample rate " + sampleRate + " Hz, found " + rate + " Hz");
        }
        int depth = switch (depthCode) {
            case 0 -> bitsPerSample;
            case 1 -> 8;
            case 2 -> 12;
            case 4 -> 16;
            case 5 -> 20;
            case 6 -> 24;
            case 7 -> 32;
            default -> throw fail(start + 3, "a sample size code other than the reserved 3");
        };
        if (depth != bitsPerSample) {
            throw fail(start + 3, "the STREAMINFO sample size of " + bitsPerSample + " bits, found " + depth);
        }
        int frameChannels;
        if (assignment <= INDEPENDENT_MAX) {
            frameChannels = assignment + 1;
        } else if (assignment <= MID_SIDE) {
            frameChannels = 2;
        } else {
            throw fail(start + 3, "a channel assignment of 0-10, found the reserved " + assignment);
        }
        if (frameChannels != channels) {
            throw fail(start + 3, "the STREAMINFO channel count " + channels + ", found " + frameChannels);
        }
    }

    /**
     * The UTF-8-like coded frame or sample number: a lead byte whose leading 1 bits count the
     * bytes, then 10xxxxxx continuation bytes. Frame numbers have at most 31 bits (6 bytes),
     * sample numbers at most 36 (7 bytes). Returns the offset after it.
     */
    private int readCodedNumber(int p) throws FileFormatException {
        require(p, 1, "the frame header's coded " + (variable ? "sample" : "frame") + " number");
        int lead = u8(p);
        int ones = Integer.numberOfLeadingZeros(~(lead << 24));
        int maxBytes = variable ? 7 : 6;
        if (ones == 1 || ones > maxBytes) {
            throw fail(p, String.format("the first byte of a coded %s number of at most %d bytes, found 0x%02X",
                    variable ? "sample" : "frame", maxBytes, lead));
        }
        int extra = ones == 0 ? 0 : ones - 1;
        long v = ones == 0 ? lead : lead & (0x7F >>> ones);
        require(p + 1, extra, "the rest of the coded frame or sample number");
        for (int i = 1; i <= extra; i++) {
            int b = u8(p + i);
            if ((b & 0xC0) != 0x80) {
                throw fail(p + i, String.format("a continuation byte 10xxxxxx of the coded number, found 0x%02X", b));
            }
            v = (v << 6) | (b & 0x3F);
        }
        number = v;
        return p + 1 + extra;
    }

    /**
     * Decodes the subframes of the frame whose header was read, checks the CRC-16 and writes the
     * samples to {@code out[channel][offset..offset+blockSize)}. Returns where the next frame starts.
     */
    int decodeBody(int[][] out, int offset) throws FileFormatException {
        in.seek(headerEnd);
        for (int ch = 0; ch < channels; ch++) {
            boolean side = (assignment == LEFT_SIDE || assignment == MID_SIDE) ? ch == 1
                    : assignment == RIGHT_SIDE && ch == 0;
            subframe(scratch[ch], bitsPerSample + (side ? 1 : 0), ch);
        }
        int pad = in.bitsToByteBoundary();
        if (pad > 0 && in.readUInt(pad) != 0) {
            throw fail(in.bytePosition() - 1, "zero padding bits after the last subframe");
        }
        int crcAt = (int) in.bytePosition();
        require(crcAt, 2, "the frame's CRC-16");
        int crc = Crc.crc16(data, frameStart, crcAt);
        if (crc != u16(crcAt)) {
            throw fail(crcAt, String.format("CRC-16 0x%04X of the frame, found 0x%04X", crc, u16(crcAt)));
        }
        decorrelate(out, offset);
        return crcAt + 2;
    }

    private void subframe(long[] s, int depth, int ch) throws FileFormatException {
        int n = blockSize;
        long at = in.bytePosition();
        int header = in.readUInt(8);
        if ((header & 0x80) != 0) {
            throw fail(at, "a zero bit starting the subframe of channel " + ch);
        }
        int type = (header >>> 1) & 0x3F;
        int wasted = 0;
        if ((header & 1) != 0) {
            long w = in.readUnary() + 1;
            if (w >= depth) {
                throw fail(at, "fewer wasted bits than the " + depth + "-bit samples of channel " + ch + ", found " + w);
            }
            wasted = (int) w;
            depth -= wasted;
        }
        if (type == 0) {
            Arrays.fill(s, 0, n, in.readSigned(depth));
        } else if (type == 1) {
            for (int i = 0; i < n; i++) {
                s[i] = in.readSigned(depth);
            }
        } else if (type >= 8 && type <= 12) {
            int order = type - 8;
            warmUp(s, order, depth, at, ch);
            residual(s, order, ch);
            fixedPredict(s, n, order);
        } else if (type >= 32) {
            int order = type - 31;
            warmUp(s, order, depth, at, ch);
            int precision = in.readUInt(4) + 1;
            if (precision == 16) {
                throw fail(in.bytePosition(), "an LPC coefficient precision code other than the invalid 15 (channel " + ch + ")");
            }
            int shift = (int) in.readSigned(5);
            if (shift < 0) {
                throw fail(in.bytePosition(), "a non-negative LPC shift (channel " + ch + "), found " + shift);
            }
            for (int j = 0; j < order; j++) {
                coefs[j] = in.readSigned(precision);
            }
            residual(s, order, ch);
            lpcPredict(s, n, order, shift);
        } else {
            throw fail(at, "a subframe type of 0 (CONSTANT), 1 (VERBATIM), 8-12 (FIXED) or 32-63 (LPC) for channel "
                    + ch + ", found the reserved " + type);
        }
        if (wasted > 0) {
            for (int i = 0; i < n; i++) {
                s[i] <<= wasted;
            }
        }
    }

    private void warmUp(long[] s, int order, int depth, long at, int ch) throws FileFormatException {
        if (order > blockSize) {
            throw fail(at, "a predictor order of at most the block size " + blockSize + " (channel " + ch
                    + "), found " + order);
        }
        for (int i = 0; i < order; i++) {
            s[i] = in.readSigned(depth);
        }
    }

    /**
     * The residual after the {@code order} warm-up samples: 2^partitionOrder partitions of
     * blockSize >> partitionOrder samples (the first one shorter by the order), each Rice-coded
     * with its own parameter, or escaped to fixed-width signed values.
     */
    private void residual(long[] s, int order, int ch) throws FileFormatException {
        long at = in.bytePosition();
        int method = in.readUInt(2);
        if (method > 1) {
            throw fail(at, "a residual coding method of 0 or 1 (channel " + ch + "), found the reserved " + method);
        }
        int paramBits = method == 0 ? 4 : 5;
        int escape = (1 << paramBits) - 1;
        int partitionOrder = in.readUInt(4);
        int perPartition = blockSize >>> partitionOrder;
        if ((perPartition << partitionOrder) != blockSize || perPartition < order) {
            throw fail(at, "a residual partition order that divides the block of " + blockSize
                    + " samples into partitions of at least the predictor order " + order + " (channel " + ch
                    + "), found " + partitionOrder);
        }
        int i = order;
        for (int part = 1 << partitionOrder, end = perPartition; part > 0; part--, end += perPartition) {
            int k = in.readUInt(paramBits);
            if (k == escape) {
                int width = in.readUInt(5);
                if (width == 0) {
                    Arrays.fill(s, i, end, 0);
                } else {
                    for (int j = i; j < end; j++) {
                        s[j] = in.readSigned(width);
                    }
                }
            } else {
                in.readRice(s, i, end, k);
            }
            i = end;
        }
    }

    /** Fixed polynomial predictors of order 0-4 applied in place to the residual. */
    private static void fixedPredict(long[] s, int n, int order) {
        switch (order) {
            case 1 -> {
                for (int i = 1; i < n; i++) {
                    s[i] += s[i - 1];
                }
            }
            case 2 -> {
                for (int i = 2; i < n; i++) {
                    s[i] += 2 * s[i - 1] - s[i - 2];
                }
            }
            case 3 -> {
                for (int i = 3; i < n; i++) {
                    s[i] += 3 * (s[i - 1] - s[i - 2]) + s[i - 3];
                }
            }
            case 4 -> {
                for (int i = 4; i < n; i++) {
                    s[i] += 4 * (s[i - 1] + s[i - 3]) - 6 * s[i - 2] - s[i - 4];
                }
            }
            default -> {
                // order 0: the residual is the signal
            }
        }
    }

    /** Linear prediction with quantized coefficients: s[i] += (sum_j c[j] s[i-1-j]) >> shift. */
    private void lpcPredict(long[] s, int n, int order, int shift) {
        long[] c = coefs;
        for (int i = order; i < n; i++) {
            long sum = 0;
            for (int j = 0; j < order; j++) {
                sum += c[j] * s[i - 1 - j];
            }
            s[i] += sum >> shift;
        }
    }

    /**
     * Undoes the stereo decorrelation into int samples and checks every sample fits the stream's
     * bit depth: a crafted stream can pass its CRCs yet predict values outside it.
     */
    private void decorrelate(int[][] out, int offset) throws FileFormatException {
        int n = blockSize;
        int sh = 64 - bitsPerSample;
        long bad = 0;
        if (assignment <= INDEPENDENT_MAX) {
            for (int ch = 0; ch < channels; ch++) {
                long[] s = scratch[ch];
                int[] o = out[ch];
                for (int i = 0; i < n; i++) {
                    long v = s[i];
                    bad |= ((v << sh) >> sh) ^ v;
                    o[offset + i] = (int) v;
                }
            }
        } else {
            long[] a = scratch[0];
            long[] b = scratch[1];
            int[] left = out[0];
            int[] right = out[1];
            for (int i = 0; i < n; i++) {
                long l;
                long r;
                if (assignment == LEFT_SIDE) {
                    l = a[i];
                    r = l - b[i];
                } else if (assignment == RIGHT_SIDE) {
                    r = b[i];
                    l = a[i] + r;
                } else {
                    long side = b[i];
                    long mid = (a[i] << 1) | (side & 1);
                    l = (mid + side) >> 1;
                    r = (mid - side) >> 1;
                }
                bad |= (((l << sh) >> sh) ^ l) | (((r << sh) >> sh) ^ r);
                left[offset + i] = (int) l;
                right[offset + i] = (int) r;
            }
        }
        if (bad != 0) {
            throw fail(frameStart, "decoded samples within the stream's " + bitsPerSample + "-bit range");
        }
    }

    private void require(long at, int n, String what) throws FileFormatException {
        if (at + n > limit) {
            throw new Truncated(file, origin + limit, what);
        }
    }

    private FileFormatException fail(long at, String expected) {
        return new FileFormatException(file, origin + at, expected + " (frame at byte " + (origin + frameStart) + ")");
    }

    private int u8(int p) {
        return data[p] & 0xFF;
    }

    private int u16(int p) {
        return (u8(p) << 8) | u8(p + 1);
    }
}
