package org.greenspoof.audio.flac;

import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * A small FLAC writer for the streams flac never writes: variable block sizes, escaped residual
 * partitions, 5-bit Rice parameters on demand, bit depths without a header code (4, 13 bits), and
 * deliberately broken fields. Its valid output is checked by flac itself (flac -t, flac -d), so the
 * writer is a source of test streams, not a second opinion on the format.
 *
 * <p>Subframes are CONSTANT when all samples agree, otherwise FIXED of the configured order, with
 * wasted bits detected; the frame's stereo mode, residual method and escapes are knobs.
 */
final class CraftedFlac {

    private static final int[] TABLE_RATES = {0, 88200, 176400, 192000, 8000, 16000, 22050, 24000, 32000, 44100,
        48000, 96000};

    private final int rate;
    private final int channels;
    private final int bps;
    private final boolean variable;
    private final ByteArrayOutputStream frames = new ByteArrayOutputStream();
    private final List<byte[]> extraBlocks = new ArrayList<>();
    private final List<Integer> blockSizes = new ArrayList<>();
    private final MessageDigest md5;
    private long samples;

    // Knobs for the next frames.
    int fixedOrder = 2;
    int assignment;
    int riceMethod;
    /** Escape every n-th partition (0: only all-zero partitions, as width 0). */
    int escapeEvery;
    /** Highest residual partition order used where the block size allows it. */
    int maxPartitionOrder = 2;
    /** Partition order to write even where it does not fit the block, when not negative. */
    int partitionOrderOverride = -1;
    /** Frame or sample number to write instead of the right one, when not negative. */
    long numberOverride = -1;
    /** Subframe type code to write instead of the right one, when not negative. */
    int subframeTypeOverride = -1;

    CraftedFlac(int rate, int channels, int bps, boolean variable) {
        this.rate = rate;
        this.channels = channels;
        this.bps = bps;
        this.variable = variable;
        try {
            md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Adds a metadata block of the given type (written after STREAMINFO) that decoders must skip. */
    CraftedFlac metadata(int type, byte[] body) {
        byte[] block = new byte[4 + body.length];
        block[0] = (byte) type;
        block[1] = (byte) (body.length >>> 16);
        block[2] = (byte) (body.length >>> 8);
        block[3] = (byte) body.length;
        System.arraycopy(body, 0, block, 4, body.length);
        extraBlocks.add(block);
        return this;
    }

    /** Encodes {@code x[channel][from..from+n)} as one frame. */
    CraftedFlac frame(int[][] x, int from, int n) {
        Bits out = new Bits();
        out.put(0xFFF8 | (variable ? 1 : 0), 16);
        int sizeCode = blockSizeCode(n);
        int rateCode = rateCode();
        out.put(sizeCode, 4);
        out.put(rateCode, 4);
        out.put(assignment == 0 ? channels - 1 : assignment, 4);
        out.put(depthCode(), 3);
        out.put(0, 1);
        long number = numberOverride >= 0 ? numberOverride : variable ? samples : blockSizes.size();
        codedNumber(out, number);
        if (sizeCode == 6) {
            out.put(n - 1, 8);
        } else if (sizeCode == 7) {
            out.put(n - 1, 16);
        }
        if (rateCode == 12) {
            out.put(rate / 1000, 8);
        } else if (rateCode == 13) {
            out.put(rate, 16);
        } else if (rateCode == 14) {
            out.put(rate / 10, 16);
        }
        out.put(Crc.crc8(out.bytes(), 0, out.length()), 8);
        for (int c = 0; c < channels; c++) {
            long[] s = new long[n];
            boolean side = false;
            for (int i = 0; i < n; i++) {
                long l = x[0][from + i];
                long r = channels > 1 ? x[1][from + i] : 0;
                if (assignment == 0) {
                    s[i] = x[c][from + i];
                } else if (assignment == 8) {
                    s[i] = c == 0 ? l : l - r;
                    side = c == 1;
                } else if (assignment == 9) {
                    s[i] = c == 0 ? l - r : r;
                    side = c == 0;
                } else {
                    s[i] = c == 0 ? (l + r) >> 1 : l - r;
                    side = c == 1;
                }
            }
            subframe(out, s, bps + (side ? 1 : 0));
        }
        out.align();
        out.put(Crc.crc16(out.bytes(), 0, out.length()), 16);
        frames.writeBytes(out.toArray());
        blockSizes.add(n);
        int bytes = (bps + 7) / 8;
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < channels; c++) {
                for (int b = 0; b < bytes; b++) {
                    md5.update((byte) (x[c][from + i] >> (8 * b)));
                }
            }
        }
        samples += n;
        return this;
    }

    /** The whole file with a correct STREAMINFO (true sample count and MD5). */
    byte[] build() {
        return build(samples, md5Copy());
    }

    /** The whole file, STREAMINFO stating {@code declaredSamples} and {@code declaredMd5}. */
    byte[] build(long declaredSamples, byte[] declaredMd5) {
        int min = Integer.MAX_VALUE;
        int max = 16;
        for (int i = 0; i < blockSizes.size(); i++) {
            max = Math.max(max, blockSizes.get(i));
            if (i < blockSizes.size() - 1 || blockSizes.size() == 1) {
                min = Math.min(min, blockSizes.get(i));
            }
        }
        min = Math.max(16, Math.min(min, max));
        Bits info = new Bits();
        info.put(0x66_4C_61_43L, 32);
        info.put(extraBlocks.isEmpty() ? 0x80 : 0, 8);
        info.put(34, 24);
        info.put(min, 16);
        info.put(max, 16);
        info.put(0, 24);
        info.put(0, 24);
        info.put(rate, 20);
        info.put(channels - 1, 3);
        info.put(bps - 1, 5);
        info.put(declaredSamples, 36);
        for (byte b : declaredMd5) {
            info.put(b & 0xFF, 8);
        }
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.writeBytes(info.toArray());
        for (int i = 0; i < extraBlocks.size(); i++) {
            byte[] block = extraBlocks.get(i).clone();
            block[0] |= (byte) (i == extraBlocks.size() - 1 ? 0x80 : 0);
            file.writeBytes(block);
        }
        file.writeBytes(frames.toByteArray());
        return file.toByteArray();
    }

    private byte[] md5Copy() {
        try {
            return ((MessageDigest) md5.clone()).digest();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
    }

    private void subframe(Bits out, long[] s, int depth) {
        long or = 0;
        boolean constant = true;
        for (long v : s) {
            or |= v;
            constant &= v == s[0];
        }
        int wasted = or == 0 ? 0 : Long.numberOfTrailingZeros(or);
        int type = constant ? 0 : 8 + fixedOrder;
        out.put(0, 1);
        out.put(subframeTypeOverride >= 0 ? subframeTypeOverride : type, 6);
        if (constant) {
            out.put(0, 1);
            out.put(s[0], depth);
            return;
        }
        out.put(wasted > 0 ? 1 : 0, 1);
        if (wasted > 0) {
            out.unary(wasted - 1);
            depth -= wasted;
            for (int i = 0; i < s.length; i++) {
                s[i] >>= wasted;
            }
        }
        int order = fixedOrder;
        for (int i = 0; i < order; i++) {
            out.put(s[i], depth);
        }
        long[] r = new long[s.length];
        for (int i = order; i < s.length; i++) {
            r[i] = switch (order) {
                case 0 -> s[i];
                case 1 -> s[i] - s[i - 1];
                case 2 -> s[i] - 2 * s[i - 1] + s[i - 2];
                case 3 -> s[i] - 3 * s[i - 1] + 3 * s[i - 2] - s[i - 3];
                default -> s[i] - 4 * s[i - 1] + 6 * s[i - 2] - 4 * s[i - 3] + s[i - 4];
            };
        }
        int partitionOrder = maxPartitionOrder;
        while (partitionOrder > 0 && ((s.length & ((1 << partitionOrder) - 1)) != 0
                || (s.length >> partitionOrder) < order)) {
            partitionOrder--;
        }
        if (partitionOrderOverride >= 0) {
            partitionOrder = partitionOrderOverride;
        }
        out.put(riceMethod, 2);
        out.put(partitionOrder, 4);
        int paramBits = riceMethod == 0 ? 4 : 5;
        int escape = (1 << paramBits) - 1;
        int parts = 1 << partitionOrder;
        int size = s.length >> partitionOrder;
        for (int p = 0; p < parts; p++) {
            int start = p == 0 ? order : p * size;
            int end = Math.max(start, Math.min(s.length, (p + 1) * size));
            long sum = 0;
            int width = 0;
            for (int i = start; i < end; i++) {
                sum += Math.abs(r[i]);
                width = Math.max(width, 65 - Long.numberOfLeadingZeros(r[i] ^ (r[i] >> 63)));
            }
            boolean allZero = sum == 0;
            if (allZero || (escapeEvery > 0 && p % escapeEvery == escapeEvery - 1)) {
                out.put(escape, paramBits);
                out.put(allZero ? 0 : width, 5);
                for (int i = start; i < end && !allZero; i++) {
                    out.put(r[i], width);
                }
            } else {
                long mean = Math.max(1, sum / Math.max(1, end - start));
                int k = Math.min(escape - 1, 63 - Long.numberOfLeadingZeros(mean));
                out.put(k, paramBits);
                for (int i = start; i < end; i++) {
                    long u = (r[i] << 1) ^ (r[i] >> 63);
                    out.unary(u >>> k);
                    if (k > 0) {
                        out.put(u, k);
                    }
                }
            }
        }
    }

    private static int blockSizeCode(int n) {
        if (n == 192) {
            return 1;
        }
        for (int k = 0; k < 4; k++) {
            if (n == 576 << k) {
                return 2 + k;
            }
        }
        for (int k = 0; k < 8; k++) {
            if (n == 256 << k) {
                return 8 + k;
            }
        }
        return n <= 256 ? 6 : 7;
    }

    private int rateCode() {
        for (int i = 1; i < TABLE_RATES.length; i++) {
            if (TABLE_RATES[i] == rate) {
                return i;
            }
        }
        if (rate % 1000 == 0 && rate / 1000 <= 255) {
            return 12;
        }
        if (rate <= 65535) {
            return 13;
        }
        return rate % 10 == 0 && rate / 10 <= 65535 ? 14 : 0;
    }

    private int depthCode() {
        return switch (bps) {
            case 8 -> 1;
            case 12 -> 2;
            case 16 -> 4;
            case 20 -> 5;
            case 24 -> 6;
            case 32 -> 7;
            default -> 0;
        };
    }

    private static void codedNumber(Bits out, long v) {
        if (v < 0x80) {
            out.put(v, 8);
            return;
        }
        int extra = 1;
        while (v >= 1L << (6 * extra + 6 - extra)) {
            extra++;
        }
        out.put((0xFF00 >>> (extra + 1)) & 0xFF | (v >>> (6 * extra)), 8);
        for (int i = extra - 1; i >= 0; i--) {
            out.put(0x80 | ((v >>> (6 * i)) & 0x3F), 8);
        }
    }

    /** MSB-first bit sink. */
    private static final class Bits {
        private final ByteArrayOutputStream done = new ByteArrayOutputStream();
        private int acc;
        private int n;

        void put(long v, int bits) {
            for (int i = bits - 1; i >= 0; i--) {
                acc = (acc << 1) | (int) ((v >>> i) & 1);
                if (++n == 8) {
                    done.write(acc);
                    acc = 0;
                    n = 0;
                }
            }
        }

        void unary(long zeros) {
            for (long i = 0; i < zeros; i++) {
                put(0, 1);
            }
            put(1, 1);
        }

        void align() {
            while (n != 0) {
                put(0, 1);
            }
        }

        /** Whole bytes so far (call when aligned). */
        byte[] bytes() {
            return done.toByteArray();
        }

        int length() {
            return done.size();
        }

        byte[] toArray() {
            return done.toByteArray();
        }
    }
}
