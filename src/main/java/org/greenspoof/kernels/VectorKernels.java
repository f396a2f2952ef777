package org.greenspoof.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernels on the Vector API. Only loaded after {@link KernelProvider} has found the incubator
 * module, so a JVM without {@code --add-modules jdk.incubator.vector} never touches this class.
 *
 * <p>{@code linear} is a register-tiled GEMM in the BLIS style. {@link #pack} stores W[n][k] as
 * panels of {@link #NR} = two vectors of output columns, k-major, so a panel row is two aligned
 * vector loads. Per k-block and row block (both chosen from the cache sizes: {@link #kBlockFor},
 * {@link #rowBlockFor}), x is packed k-major per tile of rows
 * (zero rows up to a whole tile: no row tail case), so a k step's broadcasts are one index plus
 * constant offsets; the micro-kernel then broadcasts x[i][p] and accumulates a {@link Tile} of rows x NR in vector
 * registers with FMA, starting from y's running sum (or the bias) and storing back to y, so a
 * whole tile costs one load and one store of y per k-block. The tile height is chosen once from
 * the register file. The weight micro-panel streams from L2, the packed block of x stays there.
 */
final class VectorKernels extends BlockedKernels {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();
    /** Doubles of the preferred width, and the floats that widen into them (half the bits). */
    private static final VectorSpecies<Double> DOUBLES = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> HALF_FLOATS = VectorSpecies.of(float.class,
            VectorShape.forBitSize(DOUBLES.vectorBitSize() / 2));
    private static final int DL = DOUBLES.length();
    /**
     * erfc(z) e^(z^2) (1 + z / 2) as a degree-9 polynomial in t = 1 / (1 + z / 2), constant term
     * first, over z in [0, 9]: 1.5e-8 relative in exact arithmetic, ~1.5e-7 evaluated in float.
     * Fitted by tools/fit_erfc_polynomial.py (reweighted least squares against math.erfc). Unlike
     * Numerical Recipes' erfcc (which ScalarKernels evaluates), the polynomial sits outside the
     * exponential, so e^(-z^2) and the division with the polynomial are two independent chains.
     */
    private static final float Q0 = 0.2820561017012523f, Q1 = 0.28302925248193844f, Q2 = 0.23714618661103143f,
            Q3 = 0.2328168700954394f, Q4 = -0.12007825854863019f, Q5 = 0.4629774034981195f,
            Q6 = -0.721374685521131f, Q7 = 0.46821843939966823f, Q8 = -0.14025001138865298f,
            Q9 = 0.015458686293898023f;
    /** Past this argument erfc(a) < 4.2e-37: GELU flushes to zero instead of evaluating subnormals. */
    private static final float ERFC_CLAMP = 9f;
    /** exp(-87) = 1.6e-38 is still normal: smaller arguments would make exp return subnormals (slow). */
    private static final float EXP_MIN_ARG = -87f;
    /** Tails shorter than a vector. */
    private static final ScalarKernels SCALAR = new ScalarKernels();
    /** Panel width: two vectors of output columns, the width of every micro-kernel tile. */
    static final int NR = 2 * L;
    /**
     * k-blocks tried, longest first: a longer block passes over y fewer times (on Zen 4, with x
     * packed whole rows, 384 beat 256 and 768 at both vector widths, its 48 KB panel at 512-bit
     * streaming from a 32 KB L1d). Never below 256, so that Zen 4 does not drop to 128 at 512-bit:
     * its FMAs take 512-bit operands at half rate, which leaves the L2 stream time to keep up.
     */
    private static final int[] K_BLOCKS = {384, 256};
    /**
     * The share of L1d the weight micro-panel (k-block x NR floats, re-read by every tile of a
     * row block) may fill; the rest holds the tile's stream of x and y. Measured on an Intel Xeon
     * with 48 KB L1d and two 512-bit FMA ports: a 48 KB panel (k-block 384) ran 4-9 % below a
     * 32 KB one (256), which matched 192 and beat 128; at 256-bit (24 KB panels) 384 and 256 tied.
     */
    private static final double PANEL_SHARE_OF_L1D = 0.75;
    /**
     * Row block bounds. Each row block re-reads every weight panel from memory (a model's weights
     * are far larger than any cache), so taller blocks read the weights fewer times; the packed
     * block of x must stay in L2. 128 rows was the first tuning (<= 200 KB of x, Zen 3's and 4's
     * L2 hold it); 512 covers a 10 s input's 499 frames in one block.
     */
    private static final int MIN_ROW_BLOCK = 128, MAX_ROW_BLOCK = 512;
    /**
     * The share of L2 the packed block of x may fill, the rest for the weight panels streaming
     * through. On the Intel Xeon (2 MB L2) with weights too large for any cache, 512 rows ran
     * 15-30 % faster than 128 at 500 x 768 x 3072 and 500 x 3072 x 768; 0.4 keeps Zen 3's 512 KB
     * L2 near its measured 128 rows (136 at k-block 384).
     */
    private static final double X_BLOCK_SHARE_OF_L2 = 0.4;
    /** The start row of a first k-block without bias (row stride 0 repeats it). */
    private static final float[] ZEROS = new float[NR];

    /**
     * The micro-kernel's tile height. The tile's 2 x rows accumulators, its two weight vectors and
     * its broadcasts of x must all stay in vector registers: a tile that needs more than the
     * machine has makes C2 spill accumulators inside the inner loop, at about half the speed.
     * How many broadcasts are live depends on the JIT: JDK 17's C2 issues them one at a time
     * (2 x rows + 3 live vectors), JDK 25's loads a k step's broadcasts up front (3 x rows + 2;
     * seen in its disassembly). Measured on Zen 4 at 256-bit (16 registers): on JDK 17 8 rows ran
     * at ~35 % of the FMA peak and 6 rows at 75-90 %; on JDK 25 6 rows at ~40 %, 4 rows at ~85 %.
     * At 512-bit (32 registers) 8 rows matched or beat 12, whose 12 streams of x weigh on L1.
     * With x packed k-major (Zen 3, AVX2): JDK 25 still loads all broadcasts first (6 rows spill
     * two accumulators, 4 rows fit), JDK 17 still one at a time (6 rows fit). JDK 17 keeps them
     * apart only because it cannot drop the bounds checks of index p * 6 (it rewrites the multiply
     * as shifts): padding the k step to 8 let it drop them, hoist all six, and spill (-40 %). (That
     * was with a loop over k steps; the micro-kernels now step x's index instead, see there.)
     * With that loop a tile height must divide NR: then C2 derives the weight index from x's (one
     * induction variable, no bounds checks). 6 rows at NR 16 keep two, plus the weight loads' bounds
     * checks, and on JDK 17 the register allocator then sometimes (3 runs in 5 on Zen 3) parks the
     * weight index in an xmm register and back every k step (seen in the disassembly): a 7-cycle
     * chain on a 6-cycle loop, RTF 0.236-0.239 against 0.195 in the other runs; 4 rows gave
     * 0.199-0.204 in every run.
     */
    enum Tile {
        ROWS4(4),
        ROWS6(6),
        ROWS8(8);

        final int rows;

        Tile(int rows) {
            this.rows = rows;
        }

        /** Vectors the tile keeps live on the JIT of a JDK feature release (see above). */
        int liveVectors(int jdkFeature) {
            // Releases after 17 are assumed to schedule like 25 (only 17 and 25 were measured).
            return jdkFeature <= 17 ? 2 * rows + 3 : 3 * rows + 2;
        }

        /** The lowest tile of at least {@code rows} rows (rows <= 8); any tile fits where a taller one does. */
        static Tile covering(int rows) {
            for (Tile t : values()) {
                if (t.rows >= rows) {
                    return t;
                }
            }
            throw new IllegalArgumentException("no tile of " + rows + " rows");
        }

        /**
         * The tallest tile whose live vectors fit the register file on that JDK's JIT and whose
         * height divides the panel width {@code nr} (see above).
         */
        static Tile forRegisters(int registers, int nr, int jdkFeature) {
            Tile best = ROWS4;
            for (Tile t : values()) {
                if (t.liveVectors(jdkFeature) <= registers && nr % t.rows == 0) {
                    best = t;
                }
            }
            return best;
        }

        /**
         * Vector registers of this machine at the preferred species: 32 on AArch64 and with
         * AVX-512 (EVEX encodes zmm/ymm 16-31); 16 on x86 below AVX-512, which includes an
         * AVX-512 CPU run with -XX:UseAVX=2 (the preferred species is then 256-bit).
         */
        static int registers(String arch, int vectorBits) {
            boolean arm = arch.equals("aarch64") || arch.equals("arm64");
            return arm || vectorBits >= 512 ? 32 : 16;
        }

        /** The tile for this JVM, or the one system property {@code greenspoof.tile} (4, 6 or 8) names. */
        static Tile forThisMachine() {
            String wanted = System.getProperty("greenspoof.tile");
            if (wanted == null || wanted.isBlank() || wanted.equals("auto")) {
                return forRegisters(registers(System.getProperty("os.arch", ""), SPECIES.vectorBitSize()), NR,
                        Runtime.version().feature());
            }
            for (Tile t : values()) {
                if (Integer.toString(t.rows).equals(wanted.trim())) {
                    return t;
                }
            }
            throw new IllegalArgumentException("greenspoof.tile must be auto, 4, 6 or 8, not '" + wanted + "'");
        }
    }

    private final Tile tile;
    private final int mr;
    private final int mc;
    private final int kc;
    private final int rowBlock;
    /** Per thread: the scratch tile of edge tiles, then the packed block of x (mc is whole tiles, so padded rows fit). */
    private final ThreadLocal<float[]> workspace;

    /** Kernels with the given tile, k-block and row block (rounded down to whole tiles, at least one). */
    VectorKernels(Tile tile, int kBlock, int rowBlock) {
        this(tile, kBlock, rowBlock, 1);
    }

    private VectorKernels(Tile tile, int kBlock, int rowBlock, int threads) {
        super(threads);
        if (kBlock < 1 || rowBlock < 1) {
            throw new IllegalArgumentException("k-block and row block must be positive, not " + kBlock + " and " + rowBlock);
        }
        this.tile = tile;
        this.mr = tile.rows;
        this.rowBlock = rowBlock;
        this.mc = Math.max(mr, rowBlock / mr * mr);
        this.kc = kBlock;
        workspace = ThreadLocal.withInitial(() -> new float[mr * NR + mc * kc]);
    }

    @Override
    public VectorKernels withThreads(int threads) {
        return new VectorKernels(tile, kc, rowBlock, threads);
    }

    @Override
    String baseName() {
        return "vector(" + SPECIES.vectorBitSize() + "-bit, " + mr + "x" + NR + " tile, k-block " + kc + ", row block "
                + mc + ")";
    }

    /** The longest k-block whose weight micro-panel of {@code nr} floats fits its share of L1d (unknown: the longest). */
    static int kBlockFor(CacheSizes caches, int nr) {
        for (int kb : K_BLOCKS) {
            if (caches.l1d() <= 0 || (long) kb * nr * Float.BYTES <= PANEL_SHARE_OF_L1D * caches.l1d()) {
                return kb;
            }
        }
        return shortestKBlock();
    }

    /** The tallest row block (within its bounds) whose packed x of {@code kBlock} columns fits its share of L2. */
    static int rowBlockFor(CacheSizes caches, int kBlock) {
        long rows = (long) (X_BLOCK_SHARE_OF_L2 * caches.l2()) / ((long) kBlock * Float.BYTES);
        return (int) Math.max(MIN_ROW_BLOCK, Math.min(MAX_ROW_BLOCK, rows));
    }

    /** The shortest k-block tried: the parity tests run it too, as it crosses the most block boundaries. */
    static int shortestKBlock() {
        return K_BLOCKS[K_BLOCKS.length - 1];
    }

    /** This machine's kernels: its tile, and block sizes from its caches unless {@code greenspoof.kblock} / {@code .rowblock} name them. */
    static VectorKernels forThisMachine(Tile tile, CacheSizes caches) {
        int kBlock = sizeProperty("greenspoof.kblock", kBlockFor(caches, NR));
        return new VectorKernels(tile, kBlock, sizeProperty("greenspoof.rowblock", rowBlockFor(caches, kBlock)));
    }

    /** This kernel's tile at another k-block, for the parity tests. */
    VectorKernels withKBlock(int kBlock) {
        return new VectorKernels(tile, kBlock, rowBlock, threads());
    }

    /** This kernel's blocking with another tile, for the parity tests. */
    VectorKernels withTile(Tile t) {
        return new VectorKernels(t, kc, rowBlock, threads());
    }

    int kBlock() {
        return kc;
    }

    private static int sizeProperty(String name, int auto) {
        String wanted = System.getProperty(name);
        if (wanted == null || wanted.isBlank() || wanted.equals("auto")) {
            return auto;
        }
        try {
            int v = Integer.parseInt(wanted.trim());
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + " must be auto or a positive integer, not '" + wanted + "'");
    }

    @Override
    int panelWidth() {
        return NR;
    }

    @Override
    public int rowTile() {
        return mr;
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
    public double dotDouble(float[] a, float[] b, int n) {
        if (HALF_FLOATS.length() != DL) { // no float shape of half the width (never on x86 or ARM): scalar
            return super.dotDouble(a, b, n);
        }
        int bound = HALF_FLOATS.loopBound(n);
        DoubleVector acc = DoubleVector.zero(DOUBLES);
        int i = 0;
        for (; i < bound; i += DL) {
            DoubleVector x = (DoubleVector) FloatVector.fromArray(HALF_FLOATS, a, i).convertShape(VectorOperators.F2D, DOUBLES, 0);
            DoubleVector y = (DoubleVector) FloatVector.fromArray(HALF_FLOATS, b, i).convertShape(VectorOperators.F2D, DOUBLES, 0);
            acc = x.fma(y, acc);
        }
        double s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            s += (double) a[i] * b[i];
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
        FloatVector half = FloatVector.broadcast(SPECIES, 0.5f);
        FloatVector clamp = FloatVector.broadcast(SPECIES, ERFC_CLAMP);
        FloatVector minusInvSqrt2 = FloatVector.broadcast(SPECIES, (float) -ScalarKernels.INV_SQRT2);
        FloatVector q0 = FloatVector.broadcast(SPECIES, Q0), q1 = FloatVector.broadcast(SPECIES, Q1);
        FloatVector q2 = FloatVector.broadcast(SPECIES, Q2), q3 = FloatVector.broadcast(SPECIES, Q3);
        FloatVector q4 = FloatVector.broadcast(SPECIES, Q4), q5 = FloatVector.broadcast(SPECIES, Q5);
        FloatVector q6 = FloatVector.broadcast(SPECIES, Q6), q7 = FloatVector.broadcast(SPECIES, Q7);
        FloatVector q8 = FloatVector.broadcast(SPECIES, Q8), q9 = FloatVector.broadcast(SPECIES, Q9);
        int i = off;
        for (; i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(SPECIES, x, i);
            // r = erfc(|a|) at a = -x / sqrt 2.
            FloatVector a = v.mul(minusInvSqrt2);
            // Past |a| = 9 erfc(|a|) < 4e-37: clamp so exp never returns a subnormal (a microcoded,
            // ~100x slower path on x86), and flush those lanes to zero below.
            FloatVector z = a.abs().min(clamp);
            // The loop is bound by the latency of its longest dependency chain (the scheduler
            // fills with waiting work), so e^(-z^2) runs beside the division and the polynomial
            // (in Estrin's form) rather than after them: on Zen 3 1.55 -> 1.2 ns per float.
            FloatVector e = exp(z.neg().mul(z));
            FloatVector t = one.div(z.fma(half, one));
            FloatVector t2 = t.mul(t);
            FloatVector t4 = t2.mul(t2);
            FloatVector q03 = t.fma(q3, q2).fma(t2, t.fma(q1, q0));
            FloatVector q47 = t.fma(q7, q6).fma(t2, t.fma(q5, q4));
            FloatVector q = t.fma(q9, q8).fma(t4.mul(t4), q47.fma(t4, q03));
            FloatVector r = t.mul(q).mul(e).blend(0f, a.compare(VectorOperators.GT, clamp));
            // x Phi(x) = x (1 - r / 2) for x > 0 and x r / 2 below: both are max(x, 0) - |x| r / 2.
            v.max(0f).sub(v.abs().mul(half).mul(r)).intoArray(x, i);
        }
        SCALAR.geluRange(x, i, off + n - i);
    }

    @Override
    public void layerNorm(float[] x, int xOff, float[] residual, float[] y, int yOff, int n, double eps,
            float[] weight, float[] bias) {
        if (n == 0) {
            return;
        }
        int bound = SPECIES.loopBound(n);
        if (residual != null) {
            axpy(1f, residual, xOff, x, xOff, n);
        }
        // About the first value: float sums of x - x0 keep the precision a large mean would cost.
        float x0 = x[xOff];
        FloatVector shift = FloatVector.broadcast(SPECIES, x0);
        FloatVector acc = FloatVector.zero(SPECIES);
        int i = 0;
        for (; i < bound; i += L) {
            acc = acc.add(FloatVector.fromArray(SPECIES, x, xOff + i).sub(shift));
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            sum += x[xOff + i] - x0;
        }
        // x - mean as (x - x0) - shiftedMean: exact differences, no rounding of a large mean to float.
        float shiftedMean = sum / n;
        FloatVector m = FloatVector.broadcast(SPECIES, shiftedMean);
        FloatVector sq = FloatVector.zero(SPECIES);
        for (i = 0; i < bound; i += L) {
            FloatVector d = FloatVector.fromArray(SPECIES, x, xOff + i).sub(shift).sub(m);
            sq = d.fma(d, sq);
        }
        float squares = sq.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            float d = x[xOff + i] - x0 - shiftedMean;
            squares += d * d;
        }
        float inv = (float) (1.0 / Math.sqrt(squares / n + eps));
        for (i = 0; i < bound; i += L) {
            FloatVector.fromArray(SPECIES, x, xOff + i).sub(shift).sub(m).mul(inv)
                    .fma(FloatVector.fromArray(SPECIES, weight, i), FloatVector.fromArray(SPECIES, bias, i))
                    .intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] = (x[xOff + i] - x0 - shiftedMean) * inv * weight[i] + bias[i];
        }
    }

    /** 1.5 x 2^23: adding it rounds a float below 2^22 in magnitude to an integer, in its low bits. */
    private static final float ROUNDER = 0x1.8p23f;
    private static final float LOG2E = 1.44269504f;
    /** ln 2 split so that n * LN2_HI is exact for |n| < 2^11 (Cody-Waite). */
    private static final float LN2_HI = 0.693145752f, LN2_LO = 1.42860677e-6f;

    /**
     * e^v for v in [-87, 88]: v = n ln 2 + r with |r| <= ln 2 / 2, e^r by its Taylor series to
     * r^7 (truncation below 1.2e-7 relative), times 2^n built in the exponent bits. Within ~2 ulp
     * of the correctly rounded value: the Vector API's EXP calls out to a library routine and
     * was most of GELU's time. Small enough that C2 inlines it (a vector crossing a call boxes).
     */
    private static FloatVector exp(FloatVector v) {
        FloatVector t = v.fma(LOG2E, ROUNDER);
        FloatVector n = t.sub(ROUNDER);
        FloatVector r = n.fma(FloatVector.broadcast(SPECIES, -LN2_HI), v)
                .add(n.mul(-LN2_LO));
        // Estrin's form, as GELU's polynomial: pairs of terms, combined by r^2 and r^4.
        FloatVector r2 = r.mul(r);
        FloatVector p03 = r.fma(1f / 6, 0.5f).fma(r2, r.add(1f));
        FloatVector p47 = r.fma(1f / 5040, 1f / 720).fma(r2, r.fma(1f / 120, 1f / 24));
        FloatVector p = p47.fma(r2.mul(r2), p03);
        FloatVector twoN = t.reinterpretAsInts().sub(Float.floatToRawIntBits(ROUNDER) - 127)
                .lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(twoN);
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
            FloatVector e = exp(FloatVector.fromArray(SPECIES, x, i).sub(shift).max(EXP_MIN_ARG));
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
    void packInto(float[] w, int off, int rowStride, int colStride, int n, int k, float[] data) {
        int panels = panels(n);
        for (int j = 0; j < panels; j++) {
            int cols = Math.min(NR, n - j * NR);
            int panel = j * k * NR;
            if (colStride != 1 && cols == NR) {
                // A transpose in place: a panel row is NR contiguous floats of one source row.
                for (int p = 0, src = off + j * NR; p < k; p++, src += colStride) {
                    FloatVector.fromArray(SPECIES, w, src).intoArray(data, panel + p * NR);
                    FloatVector.fromArray(SPECIES, w, src + L).intoArray(data, panel + p * NR + L);
                }
                continue;
            }
            for (int c = 0; c < NR; c++) {
                int dst = panel + c;
                if (c < cols) {
                    int src = off + (j * NR + c) * rowStride;
                    if (colStride == 1) { // a unit stride written as such: C2 drops the bounds checks
                        for (int p = 0; p < k; p++) {
                            data[dst + p * NR] = w[src + p];
                        }
                    } else {
                        for (int p = 0; p < k; p++) {
                            data[dst + p * NR] = w[src + p * colStride];
                        }
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
        int blockOff = mr * NR;
        // Rows that overlap by more than a tile (a convolution's windows) share one packed stream.
        boolean shared = (long) mr * xStride < k;
        if (shared) {
            long need = blockOff + sharedLength(Math.min(mc, r1 - r0), xStride, k);
            if (need > ws.length) {
                ws = ScratchArrays.atLeast(ws, need);
                workspace.set(ws);
            }
        }
        // Where x's rows end: a shared stream's rows past the product's last read zeros.
        long xEnd = (long) xOff + (long) (r1 - 1) * xStride + k;
        for (int ic = r0; ic < r1; ic += mc) {
            int rowsInBlock = Math.min(mc, r1 - ic);
            if (shared) {
                packShared(x, xOff + ic * xStride, xStride, xEnd, sharedLength(rowsInBlock, xStride, k) / mr, ws, blockOff);
            }
            for (int pc = 0; pc < k; pc += this.kc) {
                int kc = Math.min(this.kc, k - pc);
                if (!shared) {
                    packBlock(x, xOff + ic * xStride + pc, xStride, rowsInBlock, kc, ws, blockOff);
                }
                for (int j = p0; j < p1; j++) {
                    int cols = Math.min(NR, n - j * NR);
                    int wOff = (j * k + pc) * NR;
                    for (int ir = 0; ir < rowsInBlock; ir += mr) {
                        int rows = Math.min(mr, rowsInBlock - ir);
                        // The last rows of a block take the lowest tile that covers them: a 49-row
                        // product (1 s of audio) computes 52 rows with 8-row tiles, not 56. A shared
                        // stream interleaves mr rows, so its tiles are always whole.
                        Tile t = rows == mr || shared ? tile : Tile.covering(rows);
                        int yTile = yOff + (ic + ir) * n + j * NR;
                        int aOff = shared ? blockOff + (ir * xStride + pc) * mr : blockOff + ir * kc;
                        if (rows == t.rows && cols == NR) {
                            // A whole tile starts from y's running sum, the bias or zeros, and ends in y.
                            float[] in = pc > 0 ? y : bias != null ? bias : ZEROS;
                            int inOff = pc > 0 ? yTile : bias != null ? j * NR : 0;
                            micro(t, ws, aOff, w.data, wOff, kc, in, inOff, pc > 0 ? n : 0, y, yTile, n);
                        } else {
                            micro(t, ws, aOff, w.data, wOff, kc, ZEROS, 0, 0, ws, 0, NR);
                            flush(ws, y, yTile, n, rows, cols, bias, j * NR, pc == 0);
                        }
                    }
                }
            }
        }
    }

    /**
     * Packs a block of x (rows x kc from off, row stride stride) k-major per row group, as the
     * micro-kernels read it: the group from row g (a multiple of mr) at dst[dstOff + g kc], its
     * element (r, p) at + p h + r, with h = mr, or for a short last group the height of the tile that
     * covers it, zero rows included. Every broadcast of a k step is then one offset from one index,
     * which leaves the integer registers and the issue slots to the FMAs (16-register AVX2 cores
     * decode few instructions per cycle). Overlapping rows (a strided convolution) are expanded here.
     */
    private void packBlock(float[] x, int off, int stride, int rows, int kc, float[] dst, int dstOff) {
        for (int g = 0; g < rows; g += mr) {
            int live = Math.min(mr, rows - g);
            int h = live == mr ? mr : Tile.covering(live).rows;
            int base = dstOff + g * kc;
            int src = off + g * stride;
            // Rows outer: each inner loop is one sequential read stream with affine indices, whose
            // bounds checks C2 hoists. With k outer and the 4-8 rows inner (contiguous writes) the
            // short inner loop cost more than the copy: on Zen 3 packing took ~1.0 ns per float
            // against ~0.65 this way, which made products with few output columns 10-50 % faster
            // (the positional conv's 48 per group, attention's P.V with 64).
            for (int r = 0; r < h; r++) {
                if (r < live) {
                    copyStrided(x, src + r * stride, dst, base + r, kc, h);
                } else {
                    copyStrided(null, 0, dst, base + r, kc, h);
                }
            }
        }
    }

    /**
     * dst[d + p h] = x[s + p] (zeros when x is null) for p in [0, n), h a tile height. Each height
     * is a call with a literal stride, which C2 inlines and folds: only with a constant stride can
     * it drop the stores' bounds checks (a stride held in a variable keeps one per float).
     */
    private static void copyStrided(float[] x, int s, float[] dst, int d, int n, int h) {
        switch (h) {
            case 4 -> copyAtStride(x, s, dst, d, n, 4);
            case 6 -> copyAtStride(x, s, dst, d, n, 6);
            case 8 -> copyAtStride(x, s, dst, d, n, 8);
            default -> copyAtStride(x, s, dst, d, n, h);
        }
    }

    private static void copyAtStride(float[] x, int s, float[] dst, int d, int n, int h) {
        if (x == null) {
            for (int p = 0; p < n; p++) {
                dst[d + p * h] = 0f;
            }
        } else {
            for (int p = 0; p < n; p++) {
                dst[d + p * h] = x[s + p];
            }
        }
    }

    /** Floats of the shared stream of a block of rows: mr lanes over the first group's k plus the later groups' shifts. */
    private long sharedLength(int rows, int stride, int k) {
        long groups = (rows + mr - 1) / mr;
        return mr * ((groups - 1) * mr * stride + k);
    }

    /**
     * Packs a block of overlapping rows (stride below k / mr) as one k-major stream of mr lanes:
     * dst[dstOff + p mr + r] = x[off + r stride + p] for p in [0, steps), zero from x index xEnd on.
     * Row group g at k step p is then lane r at p + g mr stride, so every group of the block reads
     * the same stream from its own offset, with the layout {@link #packBlock} gives a group; a
     * window overlap that packBlock would copy k / stride times per row is copied about mr times.
     */
    private void packShared(float[] x, int off, int stride, long xEnd, long steps, float[] dst, int dstOff) {
        for (int r = 0; r < mr; r++) {
            int s = off + r * stride;
            int d = dstOff + r;
            int live = (int) Math.max(0, Math.min(steps, xEnd - s));
            copyStrided(x, s, dst, d, live, mr);
            copyStrided(null, 0, dst, d + live * mr, (int) steps - live, mr);
        }
    }

    private static void micro(Tile t, float[] a, int aOff, float[] wd, int wOff, int kc, float[] in, int inOff,
            int inStride, float[] out, int outOff, int outStride) {
        switch (t) {
            case ROWS4 -> tile4(a, aOff, wd, wOff, kc, in, inOff, inStride, out, outOff, outStride);
            case ROWS6 -> tile6(a, aOff, wd, wOff, kc, in, inOff, inStride, out, outOff, outStride);
            case ROWS8 -> tile8(a, aOff, wd, wOff, kc, in, inOff, inStride, out, outOff, outStride);
        }
    }

    /*
     * The micro-kernels: a rows x NR tile of x . W^T over one k-block, reading x's packed row
     * group k-major, (r, p) at a[aOff + p * rows + r], started from in (row stride inStride:
     * 0 repeats one row, for a bias or zeros) and stored to out (row stride outStride). One method
     * per tile height, because the accumulators must be locals for C2 to keep them in registers
     * (an array of vectors is not scalar-replaced); the loads that start a tile and the stores
     * that end it sit in the same method, so no vector crosses a call (C2 would box it).
     * The loop counts x's index in steps of the tile height, the weight index along: on a Zen 3
     * EPYC (AVX2) that ran 4-6 % faster than counting k steps and multiplying (4 rows, JDK 17
     * and 25) and 12 % faster at 6 rows on JDK 17 when its registers were allocated well (see
     * Tile). Not re-measured at 512-bit.
     */

    private static void tile4(float[] a, int aOff, float[] wd, int wOff, int kc, float[] in, int inOff,
            int inStride, float[] out, int outOff, int outStride) {
        int i0 = inOff;
        int i1 = inOff + 1 * inStride;
        int i2 = inOff + 2 * inStride;
        int i3 = inOff + 3 * inStride;
        FloatVector c00 = FloatVector.fromArray(SPECIES, in, i0), c01 = FloatVector.fromArray(SPECIES, in, i0 + L);
        FloatVector c10 = FloatVector.fromArray(SPECIES, in, i1), c11 = FloatVector.fromArray(SPECIES, in, i1 + L);
        FloatVector c20 = FloatVector.fromArray(SPECIES, in, i2), c21 = FloatVector.fromArray(SPECIES, in, i2 + L);
        FloatVector c30 = FloatVector.fromArray(SPECIES, in, i3), c31 = FloatVector.fromArray(SPECIES, in, i3 + L);
        for (int q = aOff, end = aOff + 4 * kc, b = wOff; q < end; q += 4, b += NR) {
            FloatVector b0 = FloatVector.fromArray(SPECIES, wd, b);
            FloatVector b1 = FloatVector.fromArray(SPECIES, wd, b + L);
            FloatVector x0 = FloatVector.broadcast(SPECIES, a[q]);
            c00 = b0.fma(x0, c00);
            c01 = b1.fma(x0, c01);
            FloatVector x1 = FloatVector.broadcast(SPECIES, a[q + 1]);
            c10 = b0.fma(x1, c10);
            c11 = b1.fma(x1, c11);
            FloatVector x2 = FloatVector.broadcast(SPECIES, a[q + 2]);
            c20 = b0.fma(x2, c20);
            c21 = b1.fma(x2, c21);
            FloatVector x3 = FloatVector.broadcast(SPECIES, a[q + 3]);
            c30 = b0.fma(x3, c30);
            c31 = b1.fma(x3, c31);
        }
        c00.intoArray(out, outOff);
        c01.intoArray(out, outOff + L);
        c10.intoArray(out, outOff + 1 * outStride);
        c11.intoArray(out, outOff + 1 * outStride + L);
        c20.intoArray(out, outOff + 2 * outStride);
        c21.intoArray(out, outOff + 2 * outStride + L);
        c30.intoArray(out, outOff + 3 * outStride);
        c31.intoArray(out, outOff + 3 * outStride + L);
    }

    private static void tile6(float[] a, int aOff, float[] wd, int wOff, int kc, float[] in, int inOff,
            int inStride, float[] out, int outOff, int outStride) {
        int i0 = inOff;
        int i1 = inOff + 1 * inStride;
        int i2 = inOff + 2 * inStride;
        int i3 = inOff + 3 * inStride;
        int i4 = inOff + 4 * inStride;
        int i5 = inOff + 5 * inStride;
        FloatVector c00 = FloatVector.fromArray(SPECIES, in, i0), c01 = FloatVector.fromArray(SPECIES, in, i0 + L);
        FloatVector c10 = FloatVector.fromArray(SPECIES, in, i1), c11 = FloatVector.fromArray(SPECIES, in, i1 + L);
        FloatVector c20 = FloatVector.fromArray(SPECIES, in, i2), c21 = FloatVector.fromArray(SPECIES, in, i2 + L);
        FloatVector c30 = FloatVector.fromArray(SPECIES, in, i3), c31 = FloatVector.fromArray(SPECIES, in, i3 + L);
        FloatVector c40 = FloatVector.fromArray(SPECIES, in, i4), c41 = FloatVector.fromArray(SPECIES, in, i4 + L);
        FloatVector c50 = FloatVector.fromArray(SPECIES, in, i5), c51 = FloatVector.fromArray(SPECIES, in, i5 + L);
        for (int q = aOff, end = aOff + 6 * kc, b = wOff; q < end; q += 6, b += NR) {
            FloatVector b0 = FloatVector.fromArray(SPECIES, wd, b);
            FloatVector b1 = FloatVector.fromArray(SPECIES, wd, b + L);
            FloatVector x0 = FloatVector.broadcast(SPECIES, a[q]);
            c00 = b0.fma(x0, c00);
            c01 = b1.fma(x0, c01);
            FloatVector x1 = FloatVector.broadcast(SPECIES, a[q + 1]);
            c10 = b0.fma(x1, c10);
            c11 = b1.fma(x1, c11);
            FloatVector x2 = FloatVector.broadcast(SPECIES, a[q + 2]);
            c20 = b0.fma(x2, c20);
            c21 = b1.fma(x2, c21);
            FloatVector x3 = FloatVector.broadcast(SPECIES, a[q + 3]);
            c30 = b0.fma(x3, c30);
            c31 = b1.fma(x3, c31);
            FloatVector x4 = FloatVector.broadcast(SPECIES, a[q + 4]);
            c40 = b0.fma(x4, c40);
            c41 = b1.fma(x4, c41);
            FloatVector x5 = FloatVector.broadcast(SPECIES, a[q + 5]);
            c50 = b0.fma(x5, c50);
            c51 = b1.fma(x5, c51);
        }
        c00.intoArray(out, outOff);
        c01.intoArray(out, outOff + L);
        c10.intoArray(out, outOff + 1 * outStride);
        c11.intoArray(out, outOff + 1 * outStride + L);
        c20.intoArray(out, outOff + 2 * outStride);
        c21.intoArray(out, outOff + 2 * outStride + L);
        c30.intoArray(out, outOff + 3 * outStride);
        c31.intoArray(out, outOff + 3 * outStride + L);
        c40.intoArray(out, outOff + 4 * outStride);
        c41.intoArray(out, outOff + 4 * outStride + L);
        c50.intoArray(out, outOff + 5 * outStride);
        c51.intoArray(out, outOff + 5 * outStride + L);
    }

    private static void tile8(float[] a, int aOff, float[] wd, int wOff, int kc, float[] in, int inOff,
            int inStride, float[] out, int outOff, int outStride) {
        int i0 = inOff;
        int i1 = inOff + 1 * inStride;
        int i2 = inOff + 2 * inStride;
        int i3 = inOff + 3 * inStride;
        int i4 = inOff + 4 * inStride;
        int i5 = inOff + 5 * inStride;
        int i6 = inOff + 6 * inStride;
        int i7 = inOff + 7 * inStride;
        FloatVector c00 = FloatVector.fromArray(SPECIES, in, i0), c01 = FloatVector.fromArray(SPECIES, in, i0 + L);
        FloatVector c10 = FloatVector.fromArray(SPECIES, in, i1), c11 = FloatVector.fromArray(SPECIES, in, i1 + L);
        FloatVector c20 = FloatVector.fromArray(SPECIES, in, i2), c21 = FloatVector.fromArray(SPECIES, in, i2 + L);
        FloatVector c30 = FloatVector.fromArray(SPECIES, in, i3), c31 = FloatVector.fromArray(SPECIES, in, i3 + L);
        FloatVector c40 = FloatVector.fromArray(SPECIES, in, i4), c41 = FloatVector.fromArray(SPECIES, in, i4 + L);
        FloatVector c50 = FloatVector.fromArray(SPECIES, in, i5), c51 = FloatVector.fromArray(SPECIES, in, i5 + L);
        FloatVector c60 = FloatVector.fromArray(SPECIES, in, i6), c61 = FloatVector.fromArray(SPECIES, in, i6 + L);
        FloatVector c70 = FloatVector.fromArray(SPECIES, in, i7), c71 = FloatVector.fromArray(SPECIES, in, i7 + L);
        for (int q = aOff, end = aOff + 8 * kc, b = wOff; q < end; q += 8, b += NR) {
            FloatVector b0 = FloatVector.fromArray(SPECIES, wd, b);
            FloatVector b1 = FloatVector.fromArray(SPECIES, wd, b + L);
            FloatVector x0 = FloatVector.broadcast(SPECIES, a[q]);
            c00 = b0.fma(x0, c00);
            c01 = b1.fma(x0, c01);
            FloatVector x1 = FloatVector.broadcast(SPECIES, a[q + 1]);
            c10 = b0.fma(x1, c10);
            c11 = b1.fma(x1, c11);
            FloatVector x2 = FloatVector.broadcast(SPECIES, a[q + 2]);
            c20 = b0.fma(x2, c20);
            c21 = b1.fma(x2, c21);
            FloatVector x3 = FloatVector.broadcast(SPECIES, a[q + 3]);
            c30 = b0.fma(x3, c30);
            c31 = b1.fma(x3, c31);
            FloatVector x4 = FloatVector.broadcast(SPECIES, a[q + 4]);
            c40 = b0.fma(x4, c40);
            c41 = b1.fma(x4, c41);
            FloatVector x5 = FloatVector.broadcast(SPECIES, a[q + 5]);
            c50 = b0.fma(x5, c50);
            c51 = b1.fma(x5, c51);
            FloatVector x6 = FloatVector.broadcast(SPECIES, a[q + 6]);
            c60 = b0.fma(x6, c60);
            c61 = b1.fma(x6, c61);
            FloatVector x7 = FloatVector.broadcast(SPECIES, a[q + 7]);
            c70 = b0.fma(x7, c70);
            c71 = b1.fma(x7, c71);
        }
        c00.intoArray(out, outOff);
        c01.intoArray(out, outOff + L);
        c10.intoArray(out, outOff + 1 * outStride);
        c11.intoArray(out, outOff + 1 * outStride + L);
        c20.intoArray(out, outOff + 2 * outStride);
        c21.intoArray(out, outOff + 2 * outStride + L);
        c30.intoArray(out, outOff + 3 * outStride);
        c31.intoArray(out, outOff + 3 * outStride + L);
        c40.intoArray(out, outOff + 4 * outStride);
        c41.intoArray(out, outOff + 4 * outStride + L);
        c50.intoArray(out, outOff + 5 * outStride);
        c51.intoArray(out, outOff + 5 * outStride + L);
        c60.intoArray(out, outOff + 6 * outStride);
        c61.intoArray(out, outOff + 6 * outStride + L);
        c70.intoArray(out, outOff + 7 * outStride);
        c71.intoArray(out, outOff + 7 * outStride + L);
    }

    /**
     * Adds the first {@code rows} x {@code cols} of an edge tile (computed from zeros into the
     * scratch tile) to y: onto the bias (or zero) on the first k-block, onto y's running sum
     * after; masked on the last, partial panel.
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
