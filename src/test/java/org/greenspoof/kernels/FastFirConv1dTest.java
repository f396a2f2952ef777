package org.greenspoof.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The fast FIR form of a stride-1 convolution against the direct sum in double. */
class FastFirConv1dTest {

    /**
     * Relative to the sum of |w x| over the direct terms of frames t - 1, t and t + 1 (which
     * bounds every product the odd outputs cancel): the half-length float sums lose up to about
     * (K / 2) 2^-24 of it, the three-term combination a few roundings more.
     */
    private static double tolerance(int taps, double magnitude) {
        return (taps + 4) * 0x1p-24 * magnitude + 1e-6;
    }

    /** taps x C_in x C_out: odd and even K (odd completes W_o with a zero tap), wav2vec2's K = 128. */
    @ParameterizedTest
    @ValueSource(strings = {"1x3x5", "2x7x4", "3x16x9", "7x5x17", "128x48x48", "33x1x3"})
    void equalsTheDirectConvolution(String shape) {
        int[] d = Arrays.stream(shape.split("x")).mapToInt(Integer::parseInt).toArray();
        int taps = d[0], cIn = d[1], cOut = d[2];
        Random r = new Random(shape.hashCode());
        float[] w = KernelsTest.random(r, cOut * taps * cIn); // [C_out][K][C_in]
        float[] before = w.clone();
        float[] bias = KernelsTest.random(r, cOut);
        int longest = 131;
        int xOff = 5;
        float[] x = KernelsTest.random(r, xOff + (longest + taps - 1) * cIn);
        int yStride = cOut + 3;
        for (Kernels base : KernelsTest.everyPath()) {
            FastFirConv1d conv = new FastFirConv1d(base, w, cOut, cIn, taps);
            assertArrayEquals(before, w, "the taps are left as they were");
            FastFirConv1d.Buffers buffers = new FastFirConv1d.Buffers();
            for (int tOut : new int[] {longest, 1, 2, 3, 10, 0}) {
                // mag[t + 1]: the largest direct magnitude of frame t over the outputs.
                double[] mag = new double[tOut + 2];
                for (int t = 0; t <= tOut; t++) {
                    for (int o = 0; o < cOut; o++) {
                        double m = 0;
                        for (int j = 0; j < taps; j++) {
                            int row = t + j;
                            if (row >= longest + taps - 1) {
                                continue;
                            }
                            for (int c = 0; c < cIn; c++) {
                                m += Math.abs((double) w[(o * taps + j) * cIn + c] * x[xOff + row * cIn + c]);
                            }
                        }
                        mag[t + 1] = Math.max(mag[t + 1], m);
                    }
                }
                float[] single = null;
                for (int threads : new int[] {1, 2}) {
                    Kernels k = base.withThreads(threads);
                    float[] y = new float[1 + Math.max(0, tOut * yStride)];
                    Arrays.fill(y, Float.NaN);
                    conv.conv(k, x, xOff, tOut, bias, y, 1, yStride, buffers);
                    for (int t = 0; t < tOut; t++) {
                        for (int o = 0; o < cOut; o++) {
                            double s = bias[o];
                            for (int j = 0; j < taps; j++) {
                                for (int c = 0; c < cIn; c++) {
                                    s += (double) w[(o * taps + j) * cIn + c] * x[xOff + (t + j) * cIn + c];
                                }
                            }
                            double tol = tolerance(taps, mag[t] + mag[t + 1] + mag[t + 2] + Math.abs(bias[o]));
                            assertEquals(s, y[1 + t * yStride + o], tol,
                                    k.name() + " " + shape + " tOut=" + tOut + " t=" + t + " o=" + o);
                        }
                        for (int o = cOut; o < yStride; o++) {
                            assertTrue(Float.isNaN(y[1 + t * yStride + o]), k.name() + " wrote between rows of y");
                        }
                    }
                    assertTrue(Float.isNaN(y[0]), k.name() + " wrote before y");
                    if (single == null) {
                        single = y;
                    } else {
                        assertArrayEquals(single, y, k.name() + ": result depends on the thread count");
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1})
    void rejectsShortInputOrOutput(int shortOne) {
        Kernels k = KernelProvider.scalar();
        FastFirConv1d conv = new FastFirConv1d(k, new float[4 * 5 * 2], 4, 2, 5);
        int tOut = 6;
        float[] x = new float[(tOut + 4) * 2 - (shortOne == 0 ? 1 : 0)];
        float[] y = new float[tOut * 4 - (shortOne == 1 ? 1 : 0)];
        assertThrows(IndexOutOfBoundsException.class,
                () -> conv.conv(k, x, 0, tOut, null, y, 0, 4, new FastFirConv1d.Buffers()));
        assertThrows(IllegalArgumentException.class, () -> new FastFirConv1d(k, new float[10], 4, 2, 5));
    }
}
