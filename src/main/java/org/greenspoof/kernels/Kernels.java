package org.greenspoof.kernels;

/**
 * The numeric primitives every model runs on. Two implementations exist: {@link ScalarKernels}
 * (plain Java, the reference) and {@code VectorKernels} (jdk.incubator.vector). Which one a
 * process uses is decided once by {@link KernelProvider}; tests may ask for either explicitly.
 * Instances are immutable and safe to share between threads.
 */
public interface Kernels {

    /** Short name for logs and reports, e.g. "scalar x1" or "vector(512-bit) x2". */
    String name();

    /**
     * A view of the same kernels whose {@link #linear} splits its work over {@code threads}
     * threads of the shared {@link ThreadPool} (the caller included; capped at the pool size).
     * Results do not depend on the thread count. Weights packed by one view work with all.
     */
    Kernels withThreads(int threads);

    /** Sum of a[aOff+i] * b[bOff+i] for i in [0, n). */
    float dot(float[] a, int aOff, float[] b, int bOff, int n);

    /**
     * Sum of a[i] * b[i] for i in [0, n), in double: each product of two floats is exact in double,
     * so the result differs from the exact sum only by the rounding of the additions (the order of
     * which an implementation may choose; the scalar one keeps four partial sums).
     */
    default double dotDouble(float[] a, float[] b, int n) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int j = 0;
        for (; j + 3 < n; j += 4) {
            s0 += (double) a[j] * b[j];
            s1 += (double) a[j + 1] * b[j + 1];
            s2 += (double) a[j + 2] * b[j + 2];
            s3 += (double) a[j + 3] * b[j + 3];
        }
        for (; j < n; j++) {
            s0 += (double) a[j] * b[j];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** y[yOff+i] += alpha * x[xOff+i] for i in [0, n). */
    void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n);

    /**
     * x[i] = GELU(x[i]) = x Phi(x) (the exact erf form: transformers' "gelu") for i in
     * [off, off+n), in place. Relative error below 1e-6 + 2 x^2 2^-24 (erfc fit to 1.2e-7,
     * evaluated in float; the second term is the rounding of exp's argument in the far left tail);
     * results below 3e-36 in magnitude (x < -12.7) may be flushed to zero. Large ranges are split
     * over the threads like {@link #linear}.
     */
    void gelu(float[] x, int off, int n);

    /**
     * One row of torch {@code LayerNorm} over n values, after an optional residual add: when
     * {@code residual} is not null, x[xOff+i] += residual[xOff+i] first (stored: it is the
     * residual stream). Then y[yOff+i] = (x[xOff+i] - mean) / sqrt(var + eps) * weight[i] + bias[i]
     * with the population variance; y may be x. The statistics are taken about the row's first
     * value and the variance from centred squares, so a large mean costs no precision.
     */
    void layerNorm(float[] x, int xOff, float[] residual, float[] y, int yOff, int n, double eps, float[] weight,
            float[] bias);

    /** The largest of x[off, off+n); negative infinity when n is 0. */
    float max(float[] x, int off, int n);

    /**
     * x[i] = exp(x[i] - shift) in place for i in [off, off+n); returns the sum of the new values
     * (the softmax numerator and denominator with shift = the row maximum). Arguments below -87
     * may give exp(-87) = 1.6e-38 instead of a subnormal.
     */
    float expSum(float[] x, int off, int n, float shift);

    /**
     * Prepares a weight in PyTorch {@code nn.Linear} layout ({@code w[n][k]}, row-major, as
     * checkpoints store it) for repeated {@link #linear} calls. Called once at load time.
     */
    PackedMatrix pack(float[] w, int n, int k);

    /**
     * As {@link #pack(float[], int, int)}, but into {@code reuse}'s storage when {@code reuse} was
     * packed by these kernels and is large enough: then {@code reuse} itself is returned and
     * nothing is allocated. Otherwise (or when {@code reuse} is null) a new matrix is returned,
     * which the caller keeps for the next call. For operands packed per call, such as attention's
     * key and value tiles.
     */
    PackedMatrix pack(float[] w, int n, int k, PackedMatrix reuse);

    /**
     * As {@link #pack(float[], int, int, PackedMatrix)} for the n x k matrix whose row c starts at
     * {@code w[off + c * rowStride]}: a block of columns of a wider row-major matrix, packed in
     * place (attention's key rows, a head's columns of the fused q/k/v projection).
     */
    PackedMatrix pack(float[] w, int off, int rowStride, int n, int k, PackedMatrix reuse);

    /**
     * As {@link #pack(float[], int, int, int, int, PackedMatrix)} for the n x k matrix given as its
     * transpose: element (c, p) at {@code wT[off + p * rowStride + c]}. Attention's values are
     * the weight of P.V this way (their rows are keys, P.V's inner dimension), with no transposed copy.
     */
    PackedMatrix packTransposed(float[] wT, int off, int rowStride, int n, int k, PackedMatrix reuse);

    /** Threads this view splits work over (see {@link #withThreads}). */
    int threads();

    /**
     * Rows of x that {@link #linear} computes together (its register tile's height): a product
     * whose rows are split across calls at multiples of it gives the same bits as a single call.
     */
    int rowTile();

    /**
     * y[m][n] = x[m][k] . w[n][k] + bias[n] (bias may be null), with x read from xOff (row
     * stride k) and y written from yOff (row stride n). Overwrites y; y must not overlap x.
     * Allocates nothing.
     */
    void linear(float[] x, int xOff, int m, PackedMatrix w, float[] bias, float[] y, int yOff);

    /**
     * As {@link #linear(float[], int, int, PackedMatrix, float[], float[], int)} with row i of x at
     * {@code xOff + i * xStride}. The stride may be smaller than k, so that rows overlap: the
     * windows of a strided convolution over frames-major input are then read in place, without
     * an im2col copy.
     */
    void linear(float[] x, int xOff, int xStride, int m, PackedMatrix w, float[] bias, float[] y, int yOff);
}
