package org.greenspoof.kernels;

import java.util.Arrays;
import java.util.Objects;

/**
 * A stride-1 convolution (cross-correlation, as torch's Conv1d) over frames-major input with K
 * taps, y[t] = bias + sum_j W_j x[t + j], computed with the 2-parallel fast FIR algorithm: three
 * half-length convolutions at half rate instead of four, a quarter fewer multiply-adds. It runs
 * wav2vec2's positional conv (K = 128 taps over each 48-channel group).
 *
 * <p>With x_e[v] = x[2v], x_o[v] = x[2v + 1], W_e[i] = W_{2i}, W_o[i] = W_{2i+1} (a zero tap
 * completes odd K) and the half-length correlations
 * <pre>
 *   M1 = W_e * x_e,   M2 = W_o * x_o,   M3 = (W_e + W_o) * s  with s[v] = x_o[v] + x_e[v + 1],
 *   y[2u] = M1[u] + M2[u],   y[2u + 1] = M3[u] - M1[u + 1] - M2[u].
 * </pre>
 * The odd outputs cancel two products out of the sum of a larger one, so they carry about three
 * times the rounding of the direct sum: still float noise next to the encoder's tolerance.
 */
public final class FastFirConv1d {

    private final int cIn;
    private final int cOut;
    private final int taps;
    /** Taps of each half-length filter: ceil(K / 2). */
    private final int half;
    /** W_e, W_o and W_e + W_o: each C_out x half C_in, frames-major windows. */
    private final PackedMatrix even;
    private final PackedMatrix odd;
    private final PackedMatrix sum;

    /** Packs the weight for {@code kernels}; {@code tapsMajor} is [C_out][K][C_in] and is left as it was. */
    public FastFirConv1d(Kernels kernels, float[] tapsMajor, int cOut, int cIn, int taps) {
        if (taps < 1 || tapsMajor.length < (long) cOut * taps * cIn) {
            throw new IllegalArgumentException("FastFirConv1d: " + tapsMajor.length + " weights for C_out " + cOut
                    + ", C_in " + cIn + ", " + taps + " taps");
        }
        this.cIn = cIn;
        this.cOut = cOut;
        this.taps = taps;
        this.half = (taps + 1) / 2;
        float[] e = new float[cOut * half * cIn];
        float[] o = new float[e.length];
        float[] s = new float[e.length];
        for (int r = 0; r < cOut; r++) {
            for (int i = 0; i < half; i++) {
                int dst = (r * half + i) * cIn;
                int src = (r * taps + 2 * i) * cIn;
                System.arraycopy(tapsMajor, src, e, dst, cIn);
                if (2 * i + 1 < taps) {
                    System.arraycopy(tapsMajor, src + cIn, o, dst, cIn);
                }
                for (int c = 0; c < cIn; c++) {
                    s[dst + c] = e[dst + c] + o[dst + c];
                }
            }
        }
        even = kernels.pack(e, cOut, half * cIn);
        odd = kernels.pack(o, cOut, half * cIn);
        sum = kernels.pack(s, cOut, half * cIn);
    }

    /** Reusable buffers of {@link #conv}, grown when too small. Not for concurrent use. */
    public static final class Buffers {
        private float[] xe = new float[0];
        private float[] xo = new float[0];
        private float[] s = new float[0];
        private float[] m1 = new float[0];
        private float[] m2 = new float[0];
        private float[] m3 = new float[0];
    }

    /**
     * Rows [0, tOut) of y, row t at {@code yOff + t * yStride} (C_out floats), from the
     * tOut + K - 1 rows of x from xOff (row stride C_in). Allocates nothing once {@code b} has
     * grown to the largest tOut. Runs the products on {@code kernels}' threads, the passes over
     * memory on the caller's.
     */
    public void conv(Kernels kernels, float[] x, int xOff, int tOut, float[] bias, float[] y, int yOff, int yStride,
            Buffers b) {
        int rows = tOut + taps - 1;
        Objects.checkFromIndexSize(xOff, rows * cIn, x.length);
        if (tOut == 0) {
            return;
        }
        Objects.checkFromIndexSize(yOff, (tOut - 1) * yStride + cOut, y.length);
        if (bias != null && bias.length < cOut) {
            throw new IllegalArgumentException("FastFirConv1d: bias[" + bias.length + "] for C_out " + cOut);
        }
        int evens = (tOut + 1) / 2;
        int odds = tOut / 2;
        // M1 is read at u + 1 by the odd outputs; every sequence gets half - 1 rows of window tail.
        int m1Rows = odds + 1;
        int seq = m1Rows + half;
        float[] xe = b.xe = ScratchArrays.atLeast(b.xe, (long) seq * cIn);
        float[] xo = b.xo = ScratchArrays.atLeast(b.xo, (long) seq * cIn);
        float[] s = b.s = ScratchArrays.atLeast(b.s, (long) seq * cIn);
        float[] m1 = b.m1 = ScratchArrays.atLeast(b.m1, (long) m1Rows * cOut);
        float[] m2 = b.m2 = ScratchArrays.atLeast(b.m2, (long) evens * cOut);
        float[] m3 = b.m3 = ScratchArrays.atLeast(b.m3, (long) Math.max(odds, 1) * cOut);
        // Rows past x's end are zero: with odd K only the zero tap of W_o reaches them.
        for (int v = 0; v < seq; v++) {
            copyRow(x, xOff, 2 * v, rows, xe, v * cIn);
            copyRow(x, xOff, 2 * v + 1, rows, xo, v * cIn);
        }
        for (int v = 0; v + 1 < seq; v++) {
            int o = v * cIn;
            for (int c = 0; c < cIn; c++) {
                s[o + c] = xo[o + c] + xe[o + cIn + c];
            }
        }
        kernels.linear(xe, 0, cIn, m1Rows, even, null, m1, 0);
        kernels.linear(xo, 0, cIn, evens, odd, null, m2, 0);
        if (odds > 0) {
            kernels.linear(s, 0, cIn, odds, sum, null, m3, 0);
        }
        for (int u = 0; u < evens; u++) {
            int o = yOff + 2 * u * yStride;
            int r = u * cOut;
            for (int c = 0; c < cOut; c++) {
                y[o + c] = m1[r + c] + m2[r + c] + (bias == null ? 0f : bias[c]);
            }
            if (u < odds) {
                o += yStride;
                for (int c = 0; c < cOut; c++) {
                    y[o + c] = m3[r + c] - m1[r + cOut + c] - m2[r + c] + (bias == null ? 0f : bias[c]);
                }
            }
        }
    }

    private void copyRow(float[] x, int xOff, int row, int rows, float[] dst, int dstOff) {
        if (row < rows) {
            System.arraycopy(x, xOff + row * cIn, dst, dstOff, cIn);
        } else {
            Arrays.fill(dst, dstOff, dstOff + cIn, 0f);
        }
    }
}
