package org.greenspoof.kernels;

import java.util.Arrays;
import java.util.Objects;

/**
 * A 1-D convolution over frames-major input ([T][C_in]) whose kernel is one tap longer than its
 * stride s (wav2vec2's kernel 3, stride 2 layers), computed with Winograd's F(3,2) on the
 * two-tap filter (W_0, W_s) that neighbouring windows share: 3s + 1 instead of 3s + 3 blocks of
 * C_in x C_out multiply-adds per three output frames (seven ninths at s = 2).
 *
 * <p>With W_j the C_out x C_in weight of tap j, x_j = x[3us + j] and d_k = x_{ks} (the shared
 * phase), the frames 3u, 3u + 1 and 3u + 2 are P + M1 + M2, O + M1 - M2 and R + M1 + M2, where
 * <pre>
 *   P  = [W_0 .. W_{s-1}] . [d_0 - d_2, x_1 .. x_{s-1}]
 *   O  = [W_1 .. W_{s-1}] . [x_{s+1} .. x_{2s-1}]           (none at s = 1)
 *   R  = [W_1 .. W_s] . [x_{2s+1} .. x_{3s-1}, d_3 - d_1]
 *   M1 = (W_0 + W_s) / 2 . (d_1 + d_2) + bias
 *   M2 = (W_0 - W_s) / 2 . (d_2 - d_1)
 * </pre>
 * (interpolation points 0, 1, -1 and infinity). The transforms are single sums and differences
 * and the halving is exact, so the result differs from the direct product by a rounding of each
 * transformed input and weight and the summation order: float noise. O reads x in place; the
 * others read the transformed windows, copied once per three frames as
 * [d_0 - d_2, x_1 .. x_{s-1}, x_{2s+1} .. x_{3s-1}, d_3 - d_1, d_1 + d_2, d_2 - d_1]. That copy and
 * the final sums are passes over memory.
 */
public final class WinogradConv1d {

    private final int cIn;
    private final int cOut;
    private final int stride;
    /** [W_0 .. W_{s-1}]: C_out x s C_in. */
    private final PackedMatrix p;
    /** [W_1 .. W_{s-1}]: C_out x (s - 1) C_in; null at s = 1. */
    private final PackedMatrix o;
    /** [W_1 .. W_s]: C_out x s C_in. */
    private final PackedMatrix r;
    /** (W_0 + W_s) / 2 and (W_0 - W_s) / 2: C_out x C_in. */
    private final PackedMatrix m1;
    private final PackedMatrix m2;

    /** Whether a convolution of this kernel and stride has the one shared tap this method needs. */
    public static boolean applies(int kernel, int stride) {
        return stride >= 1 && kernel == stride + 1;
    }

    /**
     * Packs the weight for {@code kernels}. {@code tapsMajor} is [C_out][s + 1][C_in] (the order
     * of a frames-major window); its first and last taps are overwritten with (W_0 + W_s) / 2 and
     * (W_0 - W_s) / 2.
     */
    public WinogradConv1d(Kernels kernels, float[] tapsMajor, int cOut, int cIn, int stride) {
        if (stride < 1 || tapsMajor.length < (long) cOut * (stride + 1) * cIn) {
            throw new IllegalArgumentException("WinogradConv1d: " + tapsMajor.length + " weights for C_out " + cOut
                    + ", C_in " + cIn + ", stride " + stride);
        }
        this.cIn = cIn;
        this.cOut = cOut;
        this.stride = stride;
        int row = (stride + 1) * cIn;
        int last = stride * cIn;
        p = kernels.pack(tapsMajor, 0, row, cOut, last, null);
        r = kernels.pack(tapsMajor, cIn, row, cOut, last, null);
        o = stride > 1 ? kernels.pack(tapsMajor, cIn, row, cOut, (stride - 1) * cIn, null) : null;
        for (int out = 0; out < cOut; out++) {
            int w0 = out * row;
            for (int c = 0; c < cIn; c++) {
                float first = tapsMajor[w0 + c];
                float shared = tapsMajor[w0 + last + c];
                tapsMajor[w0 + c] = (first + shared) / 2;
                tapsMajor[w0 + last + c] = (first - shared) / 2;
            }
        }
        m1 = kernels.pack(tapsMajor, 0, row, cOut, cIn, null);
        m2 = kernels.pack(tapsMajor, last, row, cOut, cIn, null);
    }

    /**
     * Reusable buffers of {@link #conv}, grown when too small, and its job description for the
     * pool, so that a call allocates nothing. Not for concurrent use.
     */
    public static final class Buffers implements ThreadPool.Task {
        private float[] windows = new float[0];
        /** The input rows of a last, incomplete group of three frames, zero past x's end. */
        private float[] tail = new float[0];
        private float[] p = new float[0];
        private float[] o = new float[0];
        private float[] r = new float[0];
        private float[] m1 = new float[0];
        private float[] m2 = new float[0];
        private WinogradConv1d conv;
        private Kernels kernels;
        private float[] x;
        private int xOff;
        private float[] bias;
        private float[] y;
        private int yOff;
        private int tOut;

        @Override
        public void run(int part, int parts) {
            // Whole register tiles of the products per part, so the bits do not depend on the threads.
            int groups = (tOut + 2) / 3;
            int tile = kernels.rowTile();
            int tiles = (groups + tile - 1) / tile;
            conv.groups(this, Math.min(groups, (int) ((long) tiles * part / parts) * tile),
                    Math.min(groups, (int) ((long) tiles * (part + 1) / parts) * tile));
        }
    }

    /**
     * Groups of three frames below which the convolution stays on the calling thread (a pool
     * wake-up is ~10 us).
     */
    private static final int MIN_PARALLEL_GROUPS = 43;

    /**
     * Rows [0, tOut) of y (from yOff, row stride C_out) = the convolution of the tOut s + 1 rows of
     * x from xOff (row stride C_in), plus bias (may be null). Allocates nothing once {@code b}
     * has grown to the largest tOut. With several threads each takes a share of the groups of
     * three frames through the copy, the five products and the sums on its own: one wake-up of
     * the pool, and each thread's windows are still in its caches when its products read them.
     */
    public void conv(Kernels kernels, float[] x, int xOff, int tOut, float[] bias, float[] y, int yOff, Buffers b) {
        Objects.checkFromIndexSize(xOff, (tOut * stride + 1) * cIn, x.length);
        Objects.checkFromIndexSize(yOff, tOut * cOut, y.length);
        if (bias != null && bias.length < cOut) {
            throw new IllegalArgumentException("WinogradConv1d: bias[" + bias.length + "] for C_out " + cOut);
        }
        int n0 = (tOut + 2) / 3;
        int win = (2 * stride + 2) * cIn;
        b.windows = ScratchArrays.atLeast(b.windows, (long) n0 * win);
        b.tail = ScratchArrays.atLeast(b.tail, (long) (3 * stride + 1) * cIn);
        b.p = ScratchArrays.atLeast(b.p, (long) n0 * cOut);
        b.o = ScratchArrays.atLeast(b.o, (long) n0 * cOut);
        b.r = ScratchArrays.atLeast(b.r, (long) n0 * cOut);
        b.m1 = ScratchArrays.atLeast(b.m1, (long) n0 * cOut);
        b.m2 = ScratchArrays.atLeast(b.m2, (long) n0 * cOut);
        b.conv = this;
        b.kernels = kernels;
        b.x = x;
        b.xOff = xOff;
        b.bias = bias;
        b.y = y;
        b.yOff = yOff;
        b.tOut = tOut;
        int parts = n0 < MIN_PARALLEL_GROUPS ? 1 : Math.min(kernels.threads(), ThreadPool.shared().size());
        try {
            ThreadPool.shared().run(parts, b);
        } finally {
            b.kernels = null;
            b.x = null;
            b.bias = null;
            b.y = null;
        }
    }

    /**
     * Groups [u0, u1): their windows, their rows of the products (on the calling thread: a product
     * started inside a pool task runs in place) and their output frames.
     */
    private void groups(Buffers b, int u0, int u1) {
        if (u0 >= u1) {
            return;
        }
        Kernels kernels = b.kernels;
        int tOut = b.tOut;
        int s = stride * cIn;
        int win = (2 * stride + 2) * cIn;
        int complete = tOut / 3;
        for (int u = u0; u < u1; u++) {
            float[] src = b.x;
            int at = b.xOff + 3 * u * s;
            if (u >= complete) {
                // The last group lacks frames: its missing input rows are zeros, which the
                // transform carries into products no existing frame keeps.
                int rows = tOut * stride + 1 - 3 * u * stride;
                System.arraycopy(b.x, at, b.tail, 0, rows * cIn);
                Arrays.fill(b.tail, rows * cIn, (3 * stride + 1) * cIn, 0f);
                src = b.tail;
                at = 0;
            }
            window(src, at, b.windows, u * win);
        }
        int rows = u1 - u0;
        int z = u0 * win;
        int out = u0 * cOut;
        kernels.linear(b.windows, z, win, rows, p, null, b.p, out);
        kernels.linear(b.windows, z + 2 * s, win, rows, m1, b.bias, b.m1, out);
        kernels.linear(b.windows, z + 2 * s + cIn, win, rows, m2, null, b.m2, out);
        // Frames 3u + 1 and 3u + 2 exist for u below these.
        int with1 = Math.min(u1, (tOut + 1) / 3);
        int with2 = Math.min(u1, tOut / 3);
        if (with2 > u0) {
            kernels.linear(b.windows, z + s, win, with2 - u0, r, null, b.r, out);
        }
        if (o != null && with1 > u0) {
            kernels.linear(b.x, b.xOff + 3 * u0 * s + s + cIn, 3 * s, with1 - u0, o, null, b.o, out);
        }
        merge(b, u0, u1);
    }

    /** One transformed window (see the class comment) from the 3s + 1 rows at x[at]. */
    private void window(float[] x, int at, float[] z, int dst) {
        int s = stride * cIn;
        int d1 = at + s;
        int d2 = at + 2 * s;
        int d3 = at + 3 * s;
        for (int c = 0; c < cIn; c++) {
            z[dst + c] = x[at + c] - x[d2 + c];
        }
        System.arraycopy(x, at + cIn, z, dst + cIn, s - cIn);
        System.arraycopy(x, d2 + cIn, z, dst + s, s - cIn);
        int e = dst + 2 * s - cIn;
        for (int c = 0; c < cIn; c++) {
            z[e + c] = x[d3 + c] - x[d1 + c];
        }
        e += cIn;
        for (int c = 0; c < cIn; c++) {
            z[e + c] = x[d1 + c] + x[d2 + c];
            z[e + cIn + c] = x[d2 + c] - x[d1 + c];
        }
    }

    /** Output rows of groups [u0, u1). */
    private void merge(Buffers b, int u0, int u1) {
        float[] y = b.y;
        float[] pm = b.p;
        float[] om = b.o;
        float[] rm = b.r;
        float[] a = b.m1;
        float[] d = b.m2;
        int tOut = b.tOut;
        for (int u = u0; u < u1; u++) {
            int row = 3 * u;
            int out = b.yOff + row * cOut;
            int g = u * cOut;
            for (int c = 0; c < cOut; c++) {
                y[out + c] = pm[g + c] + (a[g + c] + d[g + c]);
            }
            if (row + 1 < tOut) {
                out += cOut;
                if (o != null) {
                    for (int c = 0; c < cOut; c++) {
                        y[out + c] = om[g + c] + (a[g + c] - d[g + c]);
                    }
                } else {
                    for (int c = 0; c < cOut; c++) {
                        y[out + c] = a[g + c] - d[g + c];
                    }
                }
            }
            if (row + 2 < tOut) {
                out += cOut;
                for (int c = 0; c < cOut; c++) {
                    y[out + c] = rm[g + c] + (a[g + c] + d[g + c]);
                }
            }
        }
    }
}
