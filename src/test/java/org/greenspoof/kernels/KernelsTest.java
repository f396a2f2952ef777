package org.greenspoof.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
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

    private static float[] random(Random r, int n) {
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

    @ParameterizedTest
    @ValueSource(strings = {"1x1x1", "3x5x7", "49x48x40", "17x33x65", "200x64x96", "5x512x10"})
    void linearMatchesReference(String shape) {
        String[] p = shape.split("x");
        int m = Integer.parseInt(p[0]), k = Integer.parseInt(p[1]), n = Integer.parseInt(p[2]);
        Random r = new Random(shape.hashCode());
        float[] x = random(r, 2 + m * k), w = random(r, n * k), bias = random(r, n);
        double[] ref = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = bias[j];
                for (int t = 0; t < k; t++) {
                    s += (double) x[2 + i * k + t] * w[j * k + t];
                }
                ref[i * n + j] = s;
            }
        }
        for (Kernels kern : new Kernels[] {KernelProvider.scalar(), vector()}) {
            PackedMatrix pw = kern.pack(w, n, k);
            float[] y = new float[1 + m * n];
            kern.linear(x, 2, m, pw, bias, y, 1);
            for (int i = 0; i < m * n; i++) {
                assertEquals(ref[i], y[1 + i], REL_TOL * Math.sqrt(k) * 10, kern.name() + " linear " + shape + " @" + i);
            }
        }
    }
}
