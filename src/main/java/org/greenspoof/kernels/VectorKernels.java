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
    private static final float E0 = (float) ScalarKernels.ERFC_C[0], E1 = (float) ScalarKernels.ERFC_C[1];
    private static final float E2 = (float) ScalarKernels.ERFC_C[2], E3 = (float) ScalarKernels.ERFC_C[3];
    private static final float E4 = (float) ScalarKernels.ERFC_C[4], E5 = (float) ScalarKernels.ERFC_C[5];
    private static final float E6 = (float) ScalarKernels.ERFC_C[6], E7 = (float) ScalarKernels.ERFC_C[7];
    private static final float E8 = (float) ScalarKernels.ERFC_C[8], E9 = (float) ScalarKernels.ERFC_C[9];
    /** Past this argument erfc(a) < 4.2e-37: GELU flushes to zero instead of evaluating subnormals. */
    private static final float ERFC_CLAMP = 9f;
    /** exp(-87) = 1.6e-38 is still normal: smaller arguments would make exp return subnormals (slow). */
    private static final float EXP_MIN_ARG = -87f;
    /** Tails shorter than a vector. */
    private static final ScalarKernels SCALAR = new ScalarKernels();
    /** Panel width: two vectors, so the 8 x 2 accumulator tile plus operands fit in 32 registers. */
    static final int NR = 2 * L;
    static final int MR = 8;
    /** k-block: a KC x NR weight micro-panel (32 KB at 512-bit) is reused from L1 by every row block. */
    static final int KC = 256;
    /** Row block: the packed MC x KC slice of x (128 KB) stays in L2 while all panels pass over it. */
    static final int MC = 128;

    /** Per thread: the scratch MR x NR tile, then the packed MC x KC block of x. */
    private final ThreadLocal<float[]> workspace = ThreadLocal.withInitial(() -> new float[MR * NR + MC * KC]);

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

    @Override
    void geluRange(float[] x, int off, int n) {
        int bound = off + SPECIES.loopBound(n);
        FloatVector one = FloatVector.broadcast(SPECIES, 1f);
        FloatVector two = FloatVector.broadcast(SPECIES, 2f);
        int i = off;
        for (; i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(SPECIES, x, i);
            // erfc(a) at a = -x / sqrt 2, the fit of ScalarKernels.erfc in float.
            FloatVector a = v.mul((float) -ScalarKernels.INV_SQRT2);
            // Past |a| = 9 erfc(|a|) < 4e-37: clamp so exp never returns a subnormal (a microcoded,
            // ~100x slower path on x86), and flush those lanes to zero below.
            FloatVector z = a.abs().min(ERFC_CLAMP);
            FloatVector t = one.div(z.mul(0.5f).add(one));
            FloatVector p = t.mul(E9).add(E8).mul(t).add(E7).mul(t).add(E6).mul(t).add(E5).mul(t).add(E4).mul(t)
                    .add(E3).mul(t).add(E2).mul(t).add(E1).mul(t).add(E0);
            FloatVector r = t.mul(p.sub(z.mul(z)).lanewise(VectorOperators.EXP));
            FloatVector erfc = r.blend(0f, a.compare(VectorOperators.GT, ERFC_CLAMP))
                    .blend(two.sub(r), a.compare(VectorOperators.LT, 0f));
            v.mul(0.5f).mul(erfc).intoArray(x, i);
        }
        SCALAR.geluRange(x, i, off + n - i);
    }

    @Override
    public float max(float[] x, int off, int n) {
        int bound = off + SPECIES.loopBound(n);
        FloatVector m = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
        int i = off;
        for (; i < bound; i += L) {
            m = m.max(FloatVector.fromArray(SPECIES, x, i));
        }
        return Math.max(m.reduceLanes(VectorOperators.MAX), SCALAR.max(x, i, off + n - i));
    }

    @Override
    public float expSum(float[] x, int off, int n, float shift) {
        int bound = off + SPECIES.loopBound(n);
        FloatVector sum = FloatVector.zero(SPECIES);
        int i = off;
        for (; i < bound; i += L) {
            FloatVector e = FloatVector.fromArray(SPECIES, x, i).sub(shift).max(EXP_MIN_ARG).lanewise(VectorOperators.EXP);
            e.intoArray(x, i);
            sum = sum.add(e);
        }
        return sum.reduceLanes(VectorOperators.ADD) + SCALAR.expSum(x, i, off + n - i, shift);
    }

    /** Layout: data[(panel * k + p) * NR + c] = w[panel * NR + c][p], zero past column n. */
    @Override
    long packedLength(int n, int k) {
        return (long) panels(n) * NR * k;
    }

    @Override
    void packInto(float[] w, int n, int k, float[] data) {
        int panels = panels(n);
        for (int j = 0; j < panels; j++) {
            int cols = Math.min(NR, n - j * NR);
            for (int c = 0; c < NR; c++) {
                int dst = j * k * NR + c;
                if (c < cols) {
                    int src = (j * NR + c) * k;
                    for (int p = 0; p < k; p++) {
                        data[dst + p * NR] = w[src + p];
                    }
                } else {
                    for (int p = 0; p < k; p++) {
                        data[dst + p * NR] = 0f;
                    }
                }
            }
        }
    }

    @Override
    void linearBlock(float[] x, int xOff, int xStride, PackedMatrix w, float[] bias, float[] y, int yOff,
            int r0, int r1, int p0, int p1) {
        int n = w.n, k = w.k;
        if (k == 0) {
            for (int i = r0; i < r1; i++) {
                for (int c = p0 * NR; c < Math.min(n, p1 * NR); c++) {
                    y[yOff + i * n + c] = bias == null ? 0f : bias[c];
                }
            }
            return;
        }
        float[] ws = workspace.get();
        for (int ic = r0; ic < r1; ic += MC) {
            int mc = Math.min(MC, r1 - ic);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                packRows(x, xOff + ic * xStride + pc, xStride, mc, kc, ws, MR * NR);
                for (int j = p0; j < p1; j++) {
                    int cols = Math.min(NR, n - j * NR);
                    int wOff = (j * k + pc) * NR;
                    for (int ir = 0; ir < mc; ir += MR) {
                        tile(ws, MR * NR + ir * kc, w.data, wOff, kc, ws);
                        flush(ws, y, yOff + (ic + ir) * n + j * NR, n, Math.min(MR, mc - ir), cols, bias, j * NR,
                                pc == 0);
                    }
                }
            }
        }
    }

    /** Copies an mc x kc block of x into MR-row micro-panels: ap[apOff + ir * kc + p * MR + r]. */
    private static void packRows(float[] x, int off, int stride, int mc, int kc, float[] ap, int apOff) {
        for (int ir = 0; ir < mc; ir += MR) {
            int base = apOff + ir * kc;
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

    /** The micro-kernel: an MR x NR tile of x . W^T over one k-block, into the scratch tile acc. */
    private static void tile(float[] ap, int aOff, float[] wd, int wOff, int kc, float[] acc) {
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
        // Spilled to a scratch tile, so that no vector crosses a call boundary (C2 would box it).
        c00.intoArray(acc, 0);
        c01.intoArray(acc, L);
        c10.intoArray(acc, NR);
        c11.intoArray(acc, NR + L);
        c20.intoArray(acc, 2 * NR);
        c21.intoArray(acc, 2 * NR + L);
        c30.intoArray(acc, 3 * NR);
        c31.intoArray(acc, 3 * NR + L);
        c40.intoArray(acc, 4 * NR);
        c41.intoArray(acc, 4 * NR + L);
        c50.intoArray(acc, 5 * NR);
        c51.intoArray(acc, 5 * NR + L);
        c60.intoArray(acc, 6 * NR);
        c61.intoArray(acc, 6 * NR + L);
        c70.intoArray(acc, 7 * NR);
        c71.intoArray(acc, 7 * NR + L);
    }

    /**
     * Adds the first {@code rows} x {@code cols} of the scratch tile to y: onto the bias (or zero)
     * on the first k-block, onto y's running sum after; masked on the last, partial panel.
     */
    private static void flush(float[] acc, float[] y, int yOff, int n, int rows, int cols, float[] bias, int biasOff,
            boolean first) {
        for (int r = 0; r < rows; r++) {
            int off = yOff + r * n;
            for (int c = 0; c < NR; c += L) {
                // Each vector is used where it is made: a merge of vectors (a nullable one, or one
                // reassigned in a branch) makes C2 box every vector (JDK 17 even for the latter).
                int a = r * NR + c;
                if (c + L <= cols) {
                    if (!first) {
                        FloatVector.fromArray(SPECIES, acc, a).add(FloatVector.fromArray(SPECIES, y, off + c))
                                .intoArray(y, off + c);
                    } else if (bias != null) {
                        FloatVector.fromArray(SPECIES, acc, a).add(FloatVector.fromArray(SPECIES, bias, biasOff + c))
                                .intoArray(y, off + c);
                    } else {
                        FloatVector.fromArray(SPECIES, acc, a).intoArray(y, off + c);
                    }
                } else if (c < cols) {
                    VectorMask<Float> mask = SPECIES.indexInRange(c, cols);
                    if (!first) {
                        FloatVector.fromArray(SPECIES, acc, a).add(FloatVector.fromArray(SPECIES, y, off + c, mask))
                                .intoArray(y, off + c, mask);
                    } else if (bias != null) {
                        FloatVector.fromArray(SPECIES, acc, a)
                                .add(FloatVector.fromArray(SPECIES, bias, biasOff + c, mask)).intoArray(y, off + c, mask);
                    } else {
                        FloatVector.fromArray(SPECIES, acc, a).intoArray(y, off + c, mask);
                    }
                }
            }
        }
    }

    static int preferredBits() {
        return SPECIES.vectorBitSize();
    }
}
