package org.greenspoof.kernels;

/**
 * Plain-Java kernels: the fallback on any JVM and the reference the vector path is tested against.
 *
 * <p>{@code linear} is written so that C2's auto-vectoriser does the SIMD work: {@link #pack}
 * stores W[n][k] transposed in panels of up to {@link #NC} output columns (k-major), and the
 * product is a sequence of contiguous loops y[i][panel] += sum over 4 p of x[i][p] * panel[p]
 * (simple counted loops C2 turns into vector multiply-adds). The output row segment stays in L1 and a
 * {@link #KC} x NC weight block (128 KB) in L2 while every row passes over it.
 */
public final class ScalarKernels extends BlockedKernels {

    static final int NC = 256;
    static final double INV_SQRT2 = 0.7071067811865476;
    /** erfcc coefficients, constant term first (Numerical Recipes 2nd ed., sec. 6.2). */
    private static final double[] ERFC_C = {-1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807,
        -1.13520398, 1.48851587, -0.82215223, 0.17087277};
    static final int KC = 128;

    /** Single-threaded scalar kernels; {@link #withThreads} gives a parallel view. */
    public ScalarKernels() {
        this(1);
    }

    private ScalarKernels(int threads) {
        super(threads);
    }

    @Override
    public Kernels withThreads(int threads) {
        return new ScalarKernels(threads);
    }

    @Override
    String baseName() {
        return "scalar";
    }

    @Override
    int panelWidth() {
        return NC;
    }

    @Override
    public int rowTile() {
        return 1;
    }

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            s0 += a[aOff + i] * b[bOff + i];
            s1 += a[aOff + i + 1] * b[bOff + i + 1];
            s2 += a[aOff + i + 2] * b[bOff + i + 2];
            s3 += a[aOff + i + 3] * b[bOff + i + 3];
        }
        for (; i < n; i++) {
            s0 += a[aOff + i] * b[bOff + i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] += alpha * x[xOff + i];
        }
    }

    /** In double: the reference the vector kernels' float statistics are checked against. */
    @Override
    public void layerNorm(float[] x, int xOff, float[] residual, float[] y, int yOff, int n, double eps,
            float[] weight, float[] bias) {
        if (residual != null) {
            for (int i = xOff; i < xOff + n; i++) {
                x[i] += residual[i];
            }
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += x[xOff + i];
        }
        double mean = sum / n;
        double sq = 0;
        for (int i = 0; i < n; i++) {
            double d = x[xOff + i] - mean;
            sq += d * d;
        }
        double inv = 1.0 / Math.sqrt(sq / n + eps);
        for (int i = 0; i < n; i++) {
            y[yOff + i] = (float) ((x[xOff + i] - mean) * inv * weight[i] + bias[i]);
        }
    }

    @Override
    void geluRange(float[] x, int off, int n) {
        for (int i = off; i < off + n; i++) {
            double v = x[i];
            x[i] = (float) (0.5 * v * erfc(-v * INV_SQRT2));
        }
    }

    /**
     * Complementary error function with fractional error below 1.2e-7 everywhere: the Chebyshev
     * fit of Press et al., Numerical Recipes 2nd ed., sec. 6.2 ({@code erfcc}), here in double
     * (the vector kernels evaluate a fit of their own in float, shaped for their latency).
     * Relative accuracy holds in the far tail, which matters because GELU multiplies it by x.
     */
    static double erfc(double x) {
        double z = Math.abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double poly = -z * z + ERFC_C[0] + t * (ERFC_C[1] + t * (ERFC_C[2] + t * (ERFC_C[3] + t * (ERFC_C[4]
                + t * (ERFC_C[5] + t * (ERFC_C[6] + t * (ERFC_C[7] + t * (ERFC_C[8] + t * ERFC_C[9]))))))));
        double r = t * Math.exp(poly);
        return x >= 0 ? r : 2.0 - r;
    }

    @Override
    public float max(float[] x, int off, int n) {
        float m = Float.NEGATIVE_INFINITY;
        for (int i = off; i < off + n; i++) {
            m = Math.max(m, x[i]);
        }
        return m;
    }

    @Override
    public float expSum(float[] x, int off, int n, float shift) {
        double sum = 0;
        for (int i = off; i < off + n; i++) {
            float e = (float) Math.exp(x[i] - shift);
            x[i] = e;
            sum += e;
        }
        return (float) sum;
    }

    /**
     * y[yOff+c] += a0 w[wOff+c] + a1 w[wOff+cw+c] + a2 w[wOff+2cw+c] + a3 w[wOff+3cw+c] for c in [0, cw):
     * four panel rows per pass halve the loads and stores of y per multiply-add.
     */
    private static void axpy4(float a0, float a1, float a2, float a3, float[] w, int wOff, int cw, float[] y, int yOff) {
        for (int c = 0; c < cw; c++) {
            y[yOff + c] += a0 * w[wOff + c] + a1 * w[wOff + cw + c] + a2 * w[wOff + 2 * cw + c] + a3 * w[wOff + 3 * cw + c];
        }
    }

    /** Layout: panel j (width cw = min(NC, n - j * NC)) at j * NC * k, data[.. + p * cw + c] = w[j * NC + c][p]. */
    @Override
    long packedLength(int n, int k) {
        return (long) n * k;
    }

    @Override
    void packInto(float[] w, int off, int rowStride, int colStride, int n, int k, float[] data) {
        for (int j = 0; j * NC < n; j++) {
            int cw = Math.min(NC, n - j * NC);
            int base = j * NC * k;
            for (int c = 0; c < cw; c++) {
                int src = off + (j * NC + c) * rowStride;
                for (int p = 0; p < k; p++) {
                    data[base + p * cw + c] = w[src + p * colStride];
                }
            }
        }
    }

    @Override
    void linearBlock(float[] x, int xOff, int xStride, PackedMatrix w, float[] bias, float[] y, int yOff,
            int r0, int r1, int p0, int p1) {
        int n = w.n, k = w.k;
        float[] wd = w.data;
        for (int j = p0; j < p1; j++) {
            int col = j * NC;
            int cw = Math.min(NC, n - col);
            int base = col * k;
            for (int i = r0; i < r1; i++) {
                int yo = yOff + i * n + col;
                if (bias == null) {
                    java.util.Arrays.fill(y, yo, yo + cw, 0f);
                } else {
                    System.arraycopy(bias, col, y, yo, cw);
                }
            }
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                for (int i = r0; i < r1; i++) {
                    int xo = xOff + i * xStride + pc;
                    int yo = yOff + i * n + col;
                    int wo = base + pc * cw;
                    int p = 0;
                    for (; p + 3 < kc; p += 4, wo += 4 * cw) {
                        axpy4(x[xo + p], x[xo + p + 1], x[xo + p + 2], x[xo + p + 3], wd, wo, cw, y, yo);
                    }
                    for (; p < kc; p++, wo += cw) {
                        axpy(x[xo + p], wd, wo, y, yo, cw);
                    }
                }
            }
        }
    }
}
