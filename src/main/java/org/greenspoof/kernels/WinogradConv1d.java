package org.greenspoof.kernels;

import java.util.Objects;

/**
 * A 1-D convolution over frames-major input ([T][C_in]) whose kernel is one tap longer than its
 * stride s (wav2vec2's kernel 3, stride 2 layers), computed with Winograd's F(2,2) on the tap that
 * neighbouring windows share: 2s + 1 instead of 2s + 2 blocks of C_in x C_out multiply-adds per
 * pair of output frames (a sixth fewer at s = 2).
 *
 * <p>With W_j the C_out x C_in weight of tap j and x_j = x[2us + j], the pair (y[2u], y[2u + 1])
 * is P + Q and Q + R, where
 * <pre>
 *   P = [W_0 .. W_{s-1}] . [x_0 - x_s, x_1 .. x_{s-1}]
 *   Q = (W_0 + W_s) . x_s + bias
 *   R = [W_1 .. W_s] . [x_{s+1} .. x_{2s-1}, x_{2s} - x_s]
 * </pre>
 * The transforms are single differences (interpolation points 0, 1 and infinity), so the result
 * differs from the direct product by a rounding of x_0 - x_s, x_{2s} - x_s and W_0 + W_s and the
 * summation order, within float noise of the direct sum.
 * Q reads x_s in place; P and R read the transformed windows, copied once per pair as
 * [x_0 - x_s, x_1 .. x_{s-1}, x_{s+1} .. x_{2s-1}, x_{2s} - x_s]. That copy and the final sums
 * are passes over memory, split over the pool's threads like the products.
 */
public final class WinogradConv1d {

    private final int cIn;
    private final int cOut;
    private final int stride;
    /** [W_0 .. W_{s-1}]: C_out x s C_in. */
    private final PackedMatrix p;
    /** W_0 + W_s: C_out x C_in. */
    private final PackedMatrix q;
    /** [W_1 .. W_s]: C_out x s C_in. */
    private final PackedMatrix r;

    /** Whether a convolution of this kernel and stride has the one shared tap this method needs. */
    public static boolean applies(int kernel, int stride) {
        return stride >= 1 && kernel == stride + 1;
    }

    /**
     * Packs the weight for {@code kernels}. {@code tapsMajor} is [C_out][s + 1][C_in] (the order
     * of a frames-major window); its first tap is overwritten with W_0 + W_s.
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
        p = kernels.pack(tapsMajor, 0, row, cOut, stride * cIn, null);
        r = kernels.pack(tapsMajor, cIn, row, cOut, stride * cIn, null);
        for (int o = 0; o < cOut; o++) {
            int w0 = o * row;
            int ws = w0 + stride * cIn;
            for (int c = 0; c < cIn; c++) {
                tapsMajor[w0 + c] += tapsMajor[ws + c];
            }
        }
        q = kernels.pack(tapsMajor, 0, row, cOut, cIn, null);
    }

    /**
     * Reusable buffers of {@link #conv}, grown when too small, and its job description for the
     * pool, so that a call allocates nothing. Not for concurrent use.
     */
    public static final class Buffers implements ThreadPool.Task {
        private float[] windows = new float[0];
        private float[] p = new float[0];
        private float[] q = new float[0];
        private float[] r = new float[0];
        private WinogradConv1d conv;
        private float[] x;
        private int xOff;
        private float[] y;
        private int yOff;
        private int tOut;
        private boolean merging;

        private static float[] grow(float[] a, long n) {
            return a.length >= n ? a : new float[Math.toIntExact(n)];
        }

        @Override
        public void run(int part, int parts) {
            int pairs = (tOut + 1) / 2;
            int u0 = (int) ((long) pairs * part / parts);
            int u1 = (int) ((long) pairs * (part + 1) / parts);
            if (merging) {
                conv.merge(this, u0, u1);
            } else {
                conv.transform(this, u0, u1);
            }
        }
    }

    /** Pairs below which a pass over memory stays on the calling thread (a pool wake-up is ~10 us). */
    private static final int MIN_PARALLEL_PAIRS = 64;

    /**
     * Rows [0, tOut) of y (from yOff, row stride C_out) = the convolution of the tOut s + 1 rows of
     * x from xOff (row stride C_in), plus bias (may be null). Allocates nothing once {@code b}
     * has grown to the largest tOut.
     */
    public void conv(Kernels kernels, float[] x, int xOff, int tOut, float[] bias, float[] y, int yOff, Buffers b) {
        Objects.checkFromIndexSize(xOff, (tOut * stride + 1) * cIn, x.length);
        Objects.checkFromIndexSize(yOff, tOut * cOut, y.length);
        int pairs = (tOut + 1) / 2;
        int full = tOut / 2;
        int win = 2 * stride * cIn;
        b.windows = Buffers.grow(b.windows, (long) pairs * win);
        b.p = Buffers.grow(b.p, (long) pairs * cOut);
        b.q = Buffers.grow(b.q, (long) pairs * cOut);
        b.r = Buffers.grow(b.r, (long) full * cOut);
        b.conv = this;
        b.x = x;
        b.xOff = xOff;
        b.y = y;
        b.yOff = yOff;
        b.tOut = tOut;
        int parts = pairs < MIN_PARALLEL_PAIRS ? 1 : Math.min(kernels.threads(), ThreadPool.shared().size());
        try {
            b.merging = false;
            ThreadPool.shared().run(parts, b);
            int shared = stride * cIn;
            kernels.linear(x, xOff + shared, 2 * shared, pairs, q, bias, b.q, 0);
            kernels.linear(b.windows, 0, win, pairs, p, null, b.p, 0);
            if (full > 0) {
                kernels.linear(b.windows, shared, win, full, r, null, b.r, 0);
            }
            b.merging = true;
            ThreadPool.shared().run(parts, b);
        } finally {
            b.x = null;
            b.y = null;
        }
    }

    /** Windows of pairs [u0, u1). */
    private void transform(Buffers b, int u0, int u1) {
        float[] x = b.x;
        float[] z = b.windows;
        int full = b.tOut / 2;
        int shared = stride * cIn;
        int win = 2 * shared;
        for (int u = u0; u < u1; u++) {
            int src = b.xOff + u * win;
            int dst = u * win;
            for (int c = 0; c < cIn; c++) {
                z[dst + c] = x[src + c] - x[src + shared + c];
            }
            System.arraycopy(x, src + cIn, z, dst + cIn, (stride - 1) * cIn);
            // A last unpaired frame has no x_{s+1} .. x_{2s}: only P reads its window.
            if (u < full) {
                System.arraycopy(x, src + shared + cIn, z, dst + shared, (stride - 1) * cIn);
                int last = dst + win - cIn;
                for (int c = 0; c < cIn; c++) {
                    z[last + c] = x[src + win + c] - x[src + shared + c];
                }
            }
        }
    }

    /** Output rows of pairs [u0, u1): y[2u] = P + Q, y[2u + 1] = Q + R. */
    private void merge(Buffers b, int u0, int u1) {
        float[] y = b.y;
        float[] py = b.p;
        float[] qy = b.q;
        float[] ry = b.r;
        int full = b.tOut / 2;
        for (int u = u0; u < u1; u++) {
            int o = b.yOff + 2 * u * cOut;
            int s = u * cOut;
            for (int c = 0; c < cOut; c++) {
                y[o + c] = py[s + c] + qy[s + c];
            }
            if (u < full) {
                o += cOut;
                for (int c = 0; c < cOut; c++) {
                    y[o + c] = qy[s + c] + ry[s + c];
                }
            }
        }
    }
}
