package org.greenspoof.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every kernel implementation against a double-precision naive reference, over awkward sizes. */
class KernelsTest {

    /** float32 accumulation over k terms of O(1) values: relative error grows like k * 2^-24. */
    private static final double REL_TOL = 1e-5;

    private static Kernels vector() {
        Kernels v = KernelProvider.vectorOrNull();
        assertNotNull(v, "tests run with --add-modules jdk.incubator.vector; probe said: " + KernelProvider.reason());
        return v;
    }

    /** The scalar reference kernels, then the vector kernels with every micro-kernel tile shape. */
    static List<Kernels> everyPath() {
        vector();
        List<Kernels> all = new ArrayList<>(List.of(KernelProvider.scalar()));
        all.addAll(KernelProvider.vectorEveryTile());
        return all;
    }

    static float[] random(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 3, 7, 15, 16, 17, 31, 33, 64, 100, 767, 768, 3072, 3073})
    void dotAndAxpyMatchReference(int n) {
        Random r = new Random(n);
        float[] a = random(r, n + 5), b = random(r, n + 3);
        double ref = 0, mag = 0;
        for (int i = 0; i < n; i++) {
            ref += (double) a[i + 5] * b[i + 3];
            mag += Math.abs((double) a[i + 5] * b[i + 3]);
        }
        for (Kernels k : new Kernels[] {KernelProvider.scalar(), vector()}) {
            assertEquals(ref, k.dot(a, 5, b, 3, n), REL_TOL * (mag + 1), k.name());
            float[] y = b.clone();
            k.axpy(0.37f, a, 5, y, 3, n);
            for (int i = 0; i < n; i++) {
                assertEquals(b[i + 3] + 0.37f * a[i + 5], y[i + 3], 1e-6, k.name() + " axpy " + i);
            }
        }
    }

    /**
     * Double accumulation of exact products: n additions in double, each rounding at most 2^-53 of the
     * running sum of magnitudes.
     */
    private static final double DOUBLE_DOT_REL_TOL = 4 * 0x1p-53;

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 3, 4, 5, 7, 8, 9, 17, 767, 768, 3073})
    void dotDoubleIsExactUpToDoubleRounding(int n) {
        Random r = new Random(n + 100);
        float[] a = random(r, n), b = random(r, n);
        java.math.BigDecimal exact = java.math.BigDecimal.ZERO;
        double mag = 0;
        for (int i = 0; i < n; i++) {
            exact = exact.add(new java.math.BigDecimal((double) a[i] * b[i])); // the product is exact in double
            mag += Math.abs((double) a[i] * b[i]);
        }
        for (Kernels k : new Kernels[] {KernelProvider.scalar(), vector()}) {
            assertEquals(exact.doubleValue(), k.dotDouble(a, b, n), DOUBLE_DOT_REL_TOL * n * mag, k.name());
        }
    }

    /**
     * erfc fit (1.2e-7) evaluated in float: a few float ulps through the polynomial and exp, plus
     * about three roundings of exp's argument -x^2/2 (scaling, squaring, polynomial), i.e. up to 2 x^2 2^-24.
     */
    private static final double GELU_REL_TOL = 1e-6;

    /** The vector GELU flushes results below x erfc(9) / 2 ~ 3e-36 in magnitude to zero (see Kernels.gelu). */
    private static final double GELU_FLUSH = 3e-36;

    private static double geluTolerance(double x, double want) {
        return (GELU_REL_TOL + 2 * x * x * 0x1p-24) * Math.abs(want) + GELU_FLUSH;
    }

    /** Exact GELU through erf's Taylor series (converges to ~1e-16 for |x/sqrt 2| <= 3) or its tails. */
    private static double geluReference(double x) {
        double z = x / Math.sqrt(2);
        if (Math.abs(z) > 3) {
            // erfc(|z|) by its asymptotic continued fraction (Lentz), accurate to 1e-12 here.
            double a = Math.abs(z), f = a, c = a, d = 0;
            for (int k = 1; k < 200; k++) {
                double num = k / 2.0;
                d = 1 / (a + num * d);
                c = a + num / c;
                f *= c * d;
            }
            double erfcAbs = Math.exp(-a * a) / Math.sqrt(Math.PI) / f;
            return z > 0 ? x * (1 - erfcAbs / 2) : x * erfcAbs / 2;
        }
        double term = z, erf = z;
        for (int k = 1; k < 80; k++) {
            term *= -z * z / k;
            erf += term / (2 * k + 1);
        }
        erf *= 2 / Math.sqrt(Math.PI);
        return 0.5 * x * (1 + erf);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 15, 16, 17, 1000, 100_003})
    void geluMaxAndExpSumMatchReference(int n) {
        Random r = new Random(n);
        float[] x = new float[n + 3];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextGaussian() * 4);
        }
        if (n > 5) {
            x[3] = -12f; // deep left tail: GELU ~ -2e-32, still relatively accurate
            x[4] = 9f;
            x[5] = 0f;
            x[6] = -30f; // erfc underflows float: GELU is 0 within the absolute floor
        }
        for (Kernels k : new Kernels[] {KernelProvider.scalar(), vector()}) {
            float[] g = x.clone();
            k.gelu(g, 2, n);
            float[] single = x.clone();
            k.withThreads(1).gelu(single, 2, n);
            assertArrayEquals(single, g, k.name() + ": gelu depends on the thread count");
            assertEquals(x[0], g[0]);
            assertEquals(x[1], g[1]);
            assertEquals(x[n + 2], g[n + 2]);
            double refMax = Double.NEGATIVE_INFINITY;
            for (int i = 2; i < n + 2; i++) {
                double want = geluReference(x[i]);
                assertEquals(want, g[i], geluTolerance(x[i], want), k.name() + " gelu(" + x[i] + ")");
                refMax = Math.max(refMax, x[i]);
            }
            assertEquals((float) refMax, k.max(x, 2, n), k.name() + " max");
            float[] e = x.clone();
            float shift = n == 0 ? 0f : (float) refMax;
            float sum = k.expSum(e, 2, n, shift);
            double refSum = 0;
            for (int i = 2; i < n + 2; i++) {
                double want = Math.exp(x[i] - shift); // the float difference, as the contract says
                refSum += want;
                assertEquals(want, e[i], 2e-7 * want + 2e-38, k.name() + " exp");
            }
            // Positive terms summed in float: the recursive-summation bound n 2^-24 (plus exp's own error).
            assertEquals(refSum, sum, (n * 0x1p-24 + 1e-6) * refSum, k.name() + " expSum");
            assertEquals(x[1], e[1]);
            assertEquals(x[n + 2], e[n + 2]);
        }
    }

    /** exp over its whole argument range in softmax (shift = the maximum: arguments in [-87, 0]). */
    @Test
    void expIsAccurateOverTheSoftmaxRange() {
        int n = 20_001;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = -87f * i / (n - 1);
        }
        for (Kernels k : new Kernels[] {KernelProvider.scalar(), vector()}) {
            float[] e = x.clone();
            k.expSum(e, 0, n, 0f);
            for (int i = 0; i < n; i++) {
                double want = Math.exp(x[i]);
                assertEquals(want, e[i], 2e-7 * want, k.name() + " exp(" + x[i] + ")");
            }
        }
    }

    /**
     * Worst-case relative error of float32 summation of k products (recursive summation bound
     * k * 2^-24 times the sum of magnitudes, plus one rounding for the bias): any blocking order
     * stays inside it, while a wrong or missing term is off by O(1) times a term.
     */
    private static double linearTolerance(int k, double magnitude) {
        return (k + 2) * 0x1p-24 * magnitude + 1e-6;
    }

    /** m x k x n; chosen to hit row, column and k tails of every block size, and both thread splits. */
    @ParameterizedTest
    @ValueSource(strings = {"1x1x1", "4x0x5", "0x3x4", "3x5x7", "1x768x768", "7x17x33", "17x33x65", "49x48x40", "33x65x17",
            "65x767x767", "200x64x96", "5x512x10", "300x600x17", "130x257x300", "129x1536x64", "13x40x96",
            "25x520x64", "127x300x33"})
    void linearMatchesReference(String shape) {
        String[] p = shape.split("x");
        int m = Integer.parseInt(p[0]), k = Integer.parseInt(p[1]), n = Integer.parseInt(p[2]);
        Random r = new Random(shape.hashCode());
        float[] x = random(r, 2 + m * k), w = random(r, n * k), bias = random(r, n);
        double[] ref = new double[m * n];
        double[] mag = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = bias[j], a = Math.abs(bias[j]);
                for (int t = 0; t < k; t++) {
                    double term = (double) x[2 + i * k + t] * w[j * k + t];
                    s += term;
                    a += Math.abs(term);
                }
                ref[i * n + j] = s;
                mag[i * n + j] = a;
            }
        }
        for (Kernels base : everyPath()) {
            float[] single = null;
            for (int threads : new int[] {1, 2}) {
                Kernels kern = base.withThreads(threads);
                PackedMatrix pw = kern.pack(w, n, k);
                for (float[] b : new float[][] {bias, null}) {
                    float[] y = new float[2 + m * n];
                    java.util.Arrays.fill(y, Float.NaN);
                    kern.linear(x, 2, m, pw, b, y, 1);
                    assertTrue(Float.isNaN(y[0]) && Float.isNaN(y[1 + m * n]), kern.name() + " wrote outside y");
                    for (int i = 0; i < m * n; i++) {
                        double want = b == null ? ref[i] - bias[i % n] : ref[i];
                        assertEquals(want, y[1 + i], linearTolerance(k, mag[i]), kern.name() + " " + shape + " @" + i);
                    }
                    if (b != null) {
                        if (single == null) {
                            single = y;
                        } else {
                            assertArrayEquals(single, y, kern.name() + ": result depends on the thread count");
                        }
                    }
                }
            }
        }
    }

    /**
     * Overlapping rows (stride below k, as for a strided convolution) equal the product of an
     * explicit im2col copy in double, also where the rows overlap by more than a tile and share
     * one packed stream (stride times tile height below k: the positional conv's 48-float stride
     * at k = 3072, over several row blocks and k-blocks; a ragged last tile, whose shared-stream
     * tile adds its k-block partial sums to y in another order; stride 0 repeats one row).
     */
    @ParameterizedTest
    @CsvSource({"37, 24, 21, 10", "48, 3072, 301, 48", "37, 100, 23, 3", "16, 24, 9, 5", "19, 40, 11, 0",
            "33, 777, 150, 7"})
    void stridedRowsEqualTheirCopy(int n, int k, int m, int stride) {
        Random r = new Random(11);
        int off = 3;
        float[] x = new float[off + (m - 1) * stride + k];
        float[] w = new float[n * k];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) r.nextGaussian();
        }
        double[] want = new double[m * n];
        double[] mag = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int c = 0; c < n; c++) {
                for (int p = 0; p < k; p++) {
                    double term = (double) x[off + i * stride + p] * w[c * k + p];
                    want[i * n + c] += term;
                    mag[i * n + c] += Math.abs(term);
                }
            }
        }
        for (Kernels base : everyPath()) {
            for (int threads : new int[] {1, 2}) {
                Kernels kern = base.withThreads(threads);
                PackedMatrix pw = kern.pack(w, n, k);
                float[] got = new float[m * n];
                kern.linear(x, off, stride, m, pw, null, got, 0);
                for (int i = 0; i < m * n; i++) {
                    assertEquals(want[i], got[i], linearTolerance(k, mag[i]), kern.name() + " @" + i);
                }
                assertThrows(IllegalArgumentException.class, () -> kern.linear(x, off + 1, stride, m, pw, null, got, 0));
            }
        }
    }

    /** Packing into reused storage (smaller shapes into larger storage) equals a fresh pack. */
    @Test
    void packIntoReusedStorageEqualsAFreshPack() {
        java.util.Random r = new java.util.Random(7);
        for (Kernels kern : everyPath()) {
            PackedMatrix reuse = kern.pack(new float[70 * 40], 70, 40);
            for (int[] nk : new int[][] {{70, 40}, {17, 33}, {64, 5}, {1, 1}}) {
                int n = nk[0], k = nk[1], m = 9;
                float[] w = new float[n * k];
                float[] x = new float[m * k];
                for (int i = 0; i < w.length; i++) {
                    w[i] = (float) r.nextGaussian();
                }
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) r.nextGaussian();
                }
                PackedMatrix packed = kern.pack(w, n, k, reuse);
                assertSame(reuse, packed, kern.name() + ": storage large enough, yet reallocated");
                assertEquals(n, packed.n());
                assertEquals(k, packed.k());
                float[] want = new float[m * n];
                float[] got = new float[m * n];
                kern.linear(x, 0, m, kern.pack(w, n, k), null, want, 0);
                kern.linear(x, 0, m, packed, null, got, 0);
                assertArrayEquals(want, got, kern.name() + " " + n + "x" + k);
            }
            PackedMatrix bigger = kern.pack(new float[100 * 40], 100, 40, reuse);
            assertNotSame(reuse, bigger, "too small storage must not be overrun");
            assertNotSame(reuse, kern.pack(new float[4], 2, 2, null));
        }
        PackedMatrix foreign = KernelProvider.scalar().pack(new float[16], 4, 4);
        assertNotSame(foreign, vector().pack(new float[16], 4, 4, foreign), "another implementation's layout reused");
    }

    /**
     * A block of columns packed in place from a wider matrix, and a matrix packed from its
     * transpose, equal the contiguous copy packed: the same packed floats, so bit-identical products.
     * Sizes straddle the panel widths (a partial last panel) and odd inner dimensions.
     */
    @Test
    void packingInPlaceAndFromTheTransposeEqualsPackingACopy() {
        Random r = new Random(11);
        for (Kernels kern : everyPath()) {
            for (int[] nk : new int[][] {{64, 256}, {37, 243}, {16, 1}, {5, 7}, {1, 64}}) {
                int n = nk[0], k = nk[1], m = 13, off = 3, wide = Math.max(n, k) + 5;
                float[] big = random(r, off + wide * wide);
                float[] rows = new float[n * k];
                float[] cols = new float[n * k];
                for (int c = 0; c < n; c++) {
                    for (int p = 0; p < k; p++) {
                        rows[c * k + p] = big[off + c * wide + p];
                        cols[c * k + p] = big[off + p * wide + c];
                    }
                }
                float[] x = random(r, m * k);
                float[] want = new float[m * n];
                float[] got = new float[m * n];
                String what = kern.name() + " " + n + "x" + k;
                kern.linear(x, 0, m, kern.pack(rows, n, k), null, want, 0);
                kern.linear(x, 0, m, kern.pack(big, off, wide, n, k, null), null, got, 0);
                assertArrayEquals(want, got, what + " in place");
                kern.linear(x, 0, m, kern.pack(cols, n, k), null, want, 0);
                kern.linear(x, 0, m, kern.packTransposed(big, off, wide, n, k, null), null, got, 0);
                assertArrayEquals(want, got, what + " from the transpose");
            }
            assertThrows(IllegalArgumentException.class, () -> kern.pack(new float[100], 0, 9, 10, 10, null),
                    "row stride below k");
            assertThrows(IllegalArgumentException.class, () -> kern.packTransposed(new float[99], 0, 10, 10, 10, null),
                    "last row past the end");
        }
    }

    /**
     * LayerNorm against double statistics of the same float inputs. Outputs are O(|weight| * 4 +
     * |bias|) ~ 5: float statistics, a float reciprocal square root and a float apply stay within
     * a few ulp of that, far below a wrong mean or variance (off by O(1)).
     */
    private static final double LAYER_NORM_TOL = 1e-5;

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 7, 16, 17, 512, 768, 1023})
    void layerNormMatchesReference(int n) {
        Random r = new Random(n);
        float[] w = random(r, n), b = random(r, n);
        for (float mean : new float[] {0f, 1000f}) {
            float[] x = new float[3 + n], res = new float[3 + n];
            for (int i = 0; i < x.length; i++) {
                x[i] = mean + (float) r.nextGaussian();
                res[i] = (float) r.nextGaussian();
            }
            for (float[] residual : new float[][] {null, res}) {
                float[] in = x.clone();
                if (residual != null) {
                    for (int i = 3; i < 3 + n; i++) {
                        in[i] += residual[i];
                    }
                }
                double s = 0, q = 0;
                for (int i = 0; i < n; i++) {
                    s += in[3 + i];
                }
                for (int i = 0; i < n; i++) {
                    q += (in[3 + i] - s / n) * (in[3 + i] - s / n);
                }
                double inv = 1 / Math.sqrt(q / n + 1e-5);
                for (Kernels k : everyPath()) {
                    float[] xs = x.clone();
                    float[] y = new float[1 + n];
                    k.layerNorm(xs, 3, residual, y, 1, n, 1e-5, w, b);
                    assertArrayEquals(in, xs, k.name() + ": the residual sum is stored in x");
                    float[] inPlace = x.clone();
                    k.layerNorm(inPlace, 3, residual, inPlace, 3, n, 1e-5, w, b);
                    for (int i = 0; i < n; i++) {
                        double want = (in[3 + i] - s / n) * inv * w[i] + b[i];
                        assertEquals(want, y[1 + i], LAYER_NORM_TOL, k.name() + " n=" + n + " mean " + mean + " @" + i);
                        assertEquals(y[1 + i], inPlace[3 + i], 0f, k.name() + ": y may be x");
                    }
                }
            }
        }
    }

    @Test
    void tileFitsTheRegisterFile() {
        // 256-bit (16-float panels), 16 registers: 6 rows fit JDK 17's registers but do not divide 16.
        assertEquals(VectorKernels.Tile.ROWS4, VectorKernels.Tile.forRegisters(16, 16, 17));
        assertEquals(VectorKernels.Tile.ROWS4, VectorKernels.Tile.forRegisters(16, 16, 25));
        assertEquals(VectorKernels.Tile.ROWS6, VectorKernels.Tile.forRegisters(16, 12, 17), "a panel 6 divides");
        assertEquals(VectorKernels.Tile.ROWS8, VectorKernels.Tile.forRegisters(32, 32, 17));
        assertEquals(VectorKernels.Tile.ROWS8, VectorKernels.Tile.forRegisters(32, 32, 25));
        assertEquals(VectorKernels.Tile.ROWS8, VectorKernels.Tile.forRegisters(32, 8, 25), "NEON: 128-bit, 32 registers");
        assertEquals(16, VectorKernels.Tile.registers("amd64", 256), "AVX2, or AVX-512 run with -XX:UseAVX=2");
        assertEquals(32, VectorKernels.Tile.registers("amd64", 512));
        assertEquals(32, VectorKernels.Tile.registers("aarch64", 128));
        int extraKBlock = KernelProvider.vectorOrNull().name().contains("k-block " + VectorKernels.shortestKBlock() + ",") ? 0 : 1;
        assertEquals(VectorKernels.Tile.values().length + extraKBlock, KernelProvider.vectorEveryTile().size());
        assertTrue(KernelProvider.reason().contains("-row tile"), KernelProvider.reason());
        assertTrue(KernelProvider.reason().contains("blocks for "), KernelProvider.reason());
    }

    @Test
    void blocksFollowTheCaches() {
        CacheSizes xeon = new CacheSizes(48 * 1024, 2048 * 1024), zen3 = new CacheSizes(32 * 1024, 512 * 1024);
        // 512-bit panels (32 floats): a 48 KB L1d takes 256 (32 KB panel), not 384 (48 KB).
        assertEquals(256, VectorKernels.kBlockFor(xeon, 32));
        // 256-bit panels (16 floats) at 384 fill 24 KB: 32 KB and 48 KB L1d keep 384.
        assertEquals(384, VectorKernels.kBlockFor(zen3, 16));
        assertEquals(384, VectorKernels.kBlockFor(xeon, 16));
        assertEquals(256, VectorKernels.kBlockFor(new CacheSizes(16 * 1024, 0), 32), "never below the shortest");
        assertEquals(384, VectorKernels.kBlockFor(CacheSizes.UNKNOWN, 32), "unknown L1d: the longest");
        // x's block fills at most 0.4 of L2: 2 MB at k-block 256 allows 800 rows, capped at 512;
        // Zen 3's 512 KB at 384 allows 136; unknown keeps the first tuning's 128.
        assertEquals(512, VectorKernels.rowBlockFor(xeon, 256));
        assertEquals(136, VectorKernels.rowBlockFor(zen3, 384));
        assertEquals(128, VectorKernels.rowBlockFor(CacheSizes.UNKNOWN, 384));
        assertTrue(new VectorKernels(VectorKernels.Tile.ROWS6, 384, 136).name().contains("row block 132"), "whole tiles");
    }

    @Test
    void cacheSizesAreReadFromSysfs(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws java.io.IOException {
        assertEquals(CacheSizes.UNKNOWN, CacheSizes.of(dir.resolve("absent")));
        String[][] levels = {{"1", "Instruction", "64K"}, {"1", "Data", "48K"}, {"2", "Unified", "2M"}, {"3", "Unified", "480M"}};
        for (int i = 0; i < levels.length; i++) {
            java.nio.file.Path d = java.nio.file.Files.createDirectories(dir.resolve("index" + i));
            java.nio.file.Files.writeString(d.resolve("level"), levels[i][0] + "\n");
            java.nio.file.Files.writeString(d.resolve("type"), levels[i][1] + "\n");
            java.nio.file.Files.writeString(d.resolve("size"), levels[i][2] + "\n");
        }
        assertEquals(new CacheSizes(48 * 1024, 2048 * 1024), CacheSizes.of(dir));
        java.nio.file.Files.writeString(dir.resolve("index1/size"), "forty\n");
        assertEquals(CacheSizes.UNKNOWN, CacheSizes.of(dir), "an unexpected format is unknown");
    }

    @Test
    void linearRejectsMismatchedBuffersAndForeignPacking() {
        Kernels v = vector();
        PackedMatrix pw = v.pack(new float[12], 3, 4);
        assertThrows(IllegalArgumentException.class, () -> v.linear(new float[7], 0, 2, pw, null, new float[6], 0));
        assertThrows(IllegalArgumentException.class, () -> v.linear(new float[8], 0, 2, pw, null, new float[5], 0));
        assertThrows(IllegalArgumentException.class, () -> v.linear(new float[8], 0, 2, pw, new float[2], new float[6], 0));
        assertThrows(IllegalArgumentException.class,
                () -> KernelProvider.scalar().linear(new float[8], 0, 2, pw, null, new float[6], 0));
        assertThrows(IllegalArgumentException.class, () -> v.withThreads(0));
    }

    @Test
    void threadPoolRunsEveryPartOnceAndPropagatesFailures() {
        ThreadPool pool = ThreadPool.shared();
        int parts = pool.size();
        java.util.concurrent.atomic.AtomicIntegerArray hits = new java.util.concurrent.atomic.AtomicIntegerArray(parts);
        for (int round = 0; round < 100; round++) {
            pool.run(parts, (part, n) -> {
                assertEquals(parts, n);
                hits.incrementAndGet(part);
                pool.run(2, (inner, m) -> hits.addAndGet(part, 0));
            });
        }
        for (int i = 0; i < parts; i++) {
            assertEquals(100, hits.get(i), "part " + i);
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.run(parts, (part, n) -> {
            if (part == n - 1) {
                throw new IllegalStateException("part " + part);
            }
        }));
        assertEquals("part " + (parts - 1), e.getMessage());
    }
}
