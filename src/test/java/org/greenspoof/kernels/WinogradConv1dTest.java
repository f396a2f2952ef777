package org.greenspoof.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Winograd form of a kernel = stride + 1 convolution against the direct sum in double. */
class WinogradConv1dTest {

    /**
     * Per output, relative to the sum over its taps and the input rows of its group of three
     * frames of |w| |x| (which bounds every intermediate of the Winograd form): float sums of k
     * terms lose up to k 2^-24 of it, and the transformed inputs and weights add two roundings per
     * term.
     */
    private static double tolerance(int k, double magnitude) {
        return 2 * (k + 2) * 0x1p-24 * magnitude + 1e-6;
    }

    /** stride x C_in x C_out; output lengths cover every remainder mod 3 (incomplete last groups) and the parallel passes. */
    @ParameterizedTest
    @ValueSource(strings = {"2x13x5", "2x64x33", "1x7x17", "3x16x9", "2x1x40"})
    void equalsTheDirectConvolution(String shape) {
        int[] d = Arrays.stream(shape.split("x")).mapToInt(Integer::parseInt).toArray();
        int s = d[0], cIn = d[1], cOut = d[2], kernel = s + 1;
        assertTrue(WinogradConv1d.applies(kernel, s));
        Random r = new Random(shape.hashCode());
        // torch's (C_out, C_in, K) and the frames-major [C_out][K][C_in] the constructor takes.
        float[] torch = KernelsTest.random(r, cOut * cIn * kernel);
        float[] taps = new float[torch.length];
        for (int o = 0; o < cOut; o++) {
            for (int c = 0; c < cIn; c++) {
                for (int j = 0; j < kernel; j++) {
                    taps[(o * kernel + j) * cIn + c] = torch[(o * cIn + c) * kernel + j];
                }
            }
        }
        float[] bias = KernelsTest.random(r, cOut);
        int longest = 263;
        int xOff = 3;
        float[] x = KernelsTest.random(r, xOff + (longest * s + 1) * cIn);
        for (Kernels base : KernelsTest.everyPath()) {
            WinogradConv1d conv = new WinogradConv1d(base, taps.clone(), cOut, cIn, s);
            WinogradConv1d.Buffers buffers = new WinogradConv1d.Buffers();
            // Longest first: later calls reuse larger buffers.
            for (int tOut : new int[] {longest, 1, 2, 3, 4, 8, 10, 131}) {
                float[] single = null;
                for (int threads : new int[] {1, 2}) {
                    Kernels k = base.withThreads(threads);
                    float[] y = new float[2 + tOut * cOut];
                    Arrays.fill(y, Float.NaN);
                    conv.conv(k, x, xOff, tOut, bias, y, 1, buffers);
                    assertTrue(Float.isNaN(y[0]) && Float.isNaN(y[1 + tOut * cOut]), k.name() + " wrote outside y");
                    for (int t = 0; t < tOut; t++) {
                        for (int o = 0; o < cOut; o++) {
                            double want = bias[o];
                            double mag = Math.abs(bias[o]);
                            int group = t / 3 * 3 * s;
                            int rows = Math.min(3 * s + 1, tOut * s + 1 - group);
                            for (int c = 0; c < cIn; c++) {
                                double window = 0;
                                double weights = 0;
                                for (int j = 0; j < kernel; j++) {
                                    double wv = torch[(o * cIn + c) * kernel + j];
                                    want += wv * x[xOff + (t * s + j) * cIn + c];
                                    weights += Math.abs(wv);
                                }
                                for (int j = 0; j < rows; j++) {
                                    window += Math.abs(x[xOff + (group + j) * cIn + c]);
                                }
                                mag += window * weights;
                            }
                            float got = y[1 + t * cOut + o];
                            assertFalse(Float.isNaN(got), k.name() + " " + shape + " t=" + t + " left unwritten");
                            assertEquals(want, got, tolerance(kernel * cIn, mag),
                                    k.name() + " " + shape + " tOut=" + tOut + " t=" + t + " o=" + o);
                        }
                    }
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
    @ValueSource(ints = {1, 2, 3})
    void appliesOnlyWhereWindowsShareOneTap(int stride) {
        assertTrue(WinogradConv1d.applies(stride + 1, stride));
        assertFalse(WinogradConv1d.applies(stride, stride));
        assertFalse(WinogradConv1d.applies(stride + 2, stride));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1})
    void rejectsShortInputOrOutput(int shortOne) {
        Kernels k = KernelProvider.scalar();
        WinogradConv1d conv = new WinogradConv1d(k, new float[4 * 3 * 2], 4, 2, 2);
        int tOut = 5;
        float[] x = new float[(tOut * 2 + 1) * 2 - (shortOne == 0 ? 1 : 0)];
        float[] y = new float[tOut * 4 - (shortOne == 1 ? 1 : 0)];
        assertThrows(IndexOutOfBoundsException.class,
                () -> conv.conv(k, x, 0, tOut, null, y, 0, new WinogradConv1d.Buffers()));
        assertThrows(IllegalArgumentException.class, () -> new WinogradConv1d(k, new float[10], 4, 2, 2));
    }
}
