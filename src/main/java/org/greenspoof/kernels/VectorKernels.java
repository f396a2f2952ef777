package org.greenspoof.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernels on the Vector API. Only loaded after {@link KernelProvider} has found the incubator
 * module, so a JVM without {@code --add-modules jdk.incubator.vector} never touches this class.
 *
 * <p>{@code linear} is a register-tiled GEMM in the BLIS style. {@link #pack} stores W[n][k] as
 * panels of {@link #NR} = two vectors of output columns, k-major, so a panel row is two aligned
 * vector loads. Per k-block of {@link #KC} and row block of {@link #MC}, the rows of x are copied
 * into {@link #MR}-row micro-panels (k-major, zero-padded: no row tail case); the micro-kernel
 * then broadcasts x[i][p] and accumulates an MR x NR tile in 16 vector registers with FMA. The
 * weight micro-panel (KC x NR) stays in L1 across the row blocks, the packed x block in L2.
 */
final class VectorKernels extends BlockedKernels {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();
    /** Panel width: two vectors, so the 8 x 2 accumulator tile plus operands fit in 32 registers. */
    static final int NR = 2 * L;
    static final int MR = 8;
    /** k-block: a KC x NR weight micro-panel (32 KB at 512-bit) is reused from L1 by every row block. */
    static final int KC = 256;
    /** Row block: the packed MC x KC slice of x (128 KB) stays in L2 while all panels pass over it. */
    static final int MC = 128;

    private final ThreadLocal<float[]> xPack = ThreadLocal.withInitial(() -> new float[MC * KC]);

    VectorKernels() {
        this(1);
    }

    private VectorKernels(int threads) {
        super(threads);
    }

    @Override
    public Kernels withThreads(int threads) {
        return new VectorKernels(threads);
    }

    @Override
    String baseName() {
        return "vector(" + SPECIES.vectorBitSize() + "-bit)";
    }

    @Override
    int panelWidth() {
        return NR;
    }

    @Override
    int rowBlock() {
        return MR;
    }

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        int bound = SPECIES.loopBound(n);
        FloatVector acc = FloatVector.zero(SPECIES);
        int i = 0;
        for (; i < bound; i += L) {
            acc = FloatVector.fromArray(SPECIES, a, aOff + i).fma(FloatVector.fromArray(SPECIES, b, bOff + i), acc);
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            s += a[aOff + i] * b[bOff + i];
        }
        return s;
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        int bound = SPECIES.loopBound(n);
        FloatVector va = FloatVector.broadcast(SPECIES, alpha);
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector.fromArray(SPECIES, x, xOff + i).fma(va, FloatVector.fromArray(SPECIES, y, yOff + i))
                    .intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] += alpha * x[xOff + i];
        }
    }

    /** Layout: data[(panel * k + p) * NR + c] = w[panel * NR + c][p], zero past column n. */
    @Override
    public PackedMatrix pack(float[] w, int n, int k) {
        if ((long) n * k > w.length) {
            throw new IllegalArgumentException("pack: " + n + " x " + k + " does not fit w[" + w.length + "]");
        }
        int panels = panels(n);
        float[] data = new float[Math.multiplyExact(panels * NR, k)];
        for (int j = 0; j < panels; j++) {
            int cols = Math.min(NR, n - j * NR);
            for (int c = 0; c < cols; c++) {
                int src = (j * NR + c) * k;
                int dst = j * k * NR + c;
                for (int p = 0; p < k; p++) {
                    data[dst + p * NR] = w[src + p];
                }
            }
        }
        return new PackedMatrix(n, k, data, VectorKernels.class);
    }

    @Override
    void linearBlock(float[] x, int xOff, int m, PackedMatrix w, float[] bias, float[] y, int yOff,
            int r0, int r1, int p0, int p1) {
        int n = w.n, k = w.k;
        float[] ap = xPack.get();
        for (int ic = r0; ic < r1; ic += MC) {
            int mc = Math.min(MC, r1 - ic);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                packRows(x, xOff + ic * k + pc, k, mc, kc, ap);
                for (int j = p0; j < p1; j++) {
                    int cols = Math.min(NR, n - j * NR);
                    int wOff = (j * k + pc) * NR;
                    for (int ir = 0; ir < mc; ir += MR) {
                        tile(ap, ir * kc, w.data, wOff, kc, y, yOff + (ic + ir) * n + j * NR, n,
                                Math.min(MR, mc - ir), cols, pc == 0 ? bias : null, j * NR, pc == 0);
                    }
                }
            }
        }
    }

    /** Copies an mc x kc block of x into MR-row micro-panels: ap[(ir * kc) + p * MR + r]. */
    private static void packRows(float[] x, int off, int stride, int mc, int kc, float[] ap) {
        for (int ir = 0; ir < mc; ir += MR) {
            int base = ir * kc;
            int rows = Math.min(MR, mc - ir);
            for (int r = 0; r < MR; r++) {
                if (r < rows) {
                    int src = off + (ir + r) * stride;
                    for (int p = 0; p < kc; p++) {
                        ap[base + p * MR + r] = x[src + p];
                    }
                } else {
                    for (int p = 0; p < kc; p++) {
                        ap[base + p * MR + r] = 0f;
                    }
                }
            }
        }
    }

    /**
     * The micro-kernel: an MR x NR tile of y over one k-block. The first k-block writes
     * acc (+ bias), later ones add acc to what is there.
     */
    private static void tile(float[] ap, int aOff, float[] wd, int wOff, int kc, float[] y, int yOff, int n,
            int rows, int cols, float[] bias, int biasOff, boolean first) {
        FloatVector c00 = FloatVector.zero(SPECIES), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00;
        FloatVector c70 = c00, c71 = c00;
        int a = aOff, b = wOff;
        for (int p = 0; p < kc; p++, a += MR, b += NR) {
            FloatVector b0 = FloatVector.fromArray(SPECIES, wd, b);
            FloatVector b1 = FloatVector.fromArray(SPECIES, wd, b + L);
            FloatVector x0 = FloatVector.broadcast(SPECIES, ap[a]);
            c00 = b0.fma(x0, c00);
            c01 = b1.fma(x0, c01);
            FloatVector x1 = FloatVector.broadcast(SPECIES, ap[a + 1]);
            c10 = b0.fma(x1, c10);
            c11 = b1.fma(x1, c11);
            FloatVector x2 = FloatVector.broadcast(SPECIES, ap[a + 2]);
            c20 = b0.fma(x2, c20);
            c21 = b1.fma(x2, c21);
            FloatVector x3 = FloatVector.broadcast(SPECIES, ap[a + 3]);
            c30 = b0.fma(x3, c30);
            c31 = b1.fma(x3, c31);
            FloatVector x4 = FloatVector.broadcast(SPECIES, ap[a + 4]);
            c40 = b0.fma(x4, c40);
            c41 = b1.fma(x4, c41);
            FloatVector x5 = FloatVector.broadcast(SPECIES, ap[a + 5]);
            c50 = b0.fma(x5, c50);
            c51 = b1.fma(x5, c51);
            FloatVector x6 = FloatVector.broadcast(SPECIES, ap[a + 6]);
            c60 = b0.fma(x6, c60);
            c61 = b1.fma(x6, c61);
            FloatVector x7 = FloatVector.broadcast(SPECIES, ap[a + 7]);
            c70 = b0.fma(x7, c70);
            c71 = b1.fma(x7, c71);
        }
        VectorMask<Float> m0 = SPECIES.indexInRange(0, cols);
        VectorMask<Float> m1 = SPECIES.indexInRange(L, cols);
        FloatVector bias0 = FloatVector.zero(SPECIES), bias1 = bias0;
        if (bias != null) {
            bias0 = FloatVector.fromArray(SPECIES, bias, biasOff, m0);
            bias1 = FloatVector.fromArray(SPECIES, bias, biasOff + L, m1);
        }
        boolean full = cols == NR;
        store(c00, c01, y, yOff, first, bias0, bias1, full, m0, m1);
        if (rows > 1) {
            store(c10, c11, y, yOff + n, first, bias0, bias1, full, m0, m1);
        }
        if (rows > 2) {
            store(c20, c21, y, yOff + 2 * n, first, bias0, bias1, full, m0, m1);
        }
        if (rows > 3) {
            store(c30, c31, y, yOff + 3 * n, first, bias0, bias1, full, m0, m1);
        }
        if (rows > 4) {
            store(c40, c41, y, yOff + 4 * n, first, bias0, bias1, full, m0, m1);
        }
        if (rows > 5) {
            store(c50, c51, y, yOff + 5 * n, first, bias0, bias1, full, m0, m1);
        }
        if (rows > 6) {
            store(c60, c61, y, yOff + 6 * n, first, bias0, bias1, full, m0, m1);
        }
        if (rows > 7) {
            store(c70, c71, y, yOff + 7 * n, first, bias0, bias1, full, m0, m1);
        }
    }

    /** One tile row: y = acc + bias on the first k-block, y += acc after; masked on a partial panel. */
    private static void store(FloatVector acc0, FloatVector acc1, float[] y, int off, boolean first,
            FloatVector bias0, FloatVector bias1, boolean full, VectorMask<Float> m0, VectorMask<Float> m1) {
        if (full) {
            FloatVector base0 = first ? bias0 : FloatVector.fromArray(SPECIES, y, off);
            FloatVector base1 = first ? bias1 : FloatVector.fromArray(SPECIES, y, off + L);
            acc0.add(base0).intoArray(y, off);
            acc1.add(base1).intoArray(y, off + L);
        } else {
            FloatVector base0 = first ? bias0 : FloatVector.fromArray(SPECIES, y, off, m0);
            FloatVector base1 = first ? bias1 : FloatVector.fromArray(SPECIES, y, off + L, m1);
            acc0.add(base0).intoArray(y, off, m0);
            acc1.add(base1).intoArray(y, off + L, m1);
        }
    }

    static int preferredBits() {
        return SPECIES.vectorBitSize();
    }
}
