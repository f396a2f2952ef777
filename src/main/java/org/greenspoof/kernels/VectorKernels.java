package org.greenspoof.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernels on the Vector API. Only loaded after {@link KernelProvider} has found the incubator
 * module, so a JVM without {@code --add-modules jdk.incubator.vector} never touches this class.
 */
final class VectorKernels implements Kernels {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private final ScalarKernels scalar = new ScalarKernels();

    @Override
    public String name() {
        return "vector(" + SPECIES.vectorBitSize() + "-bit)";
    }

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        int lanes = SPECIES.length();
        int bound = SPECIES.loopBound(n);
        FloatVector acc = FloatVector.zero(SPECIES);
        int i = 0;
        for (; i < bound; i += lanes) {
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
        int lanes = SPECIES.length();
        int bound = SPECIES.loopBound(n);
        FloatVector va = FloatVector.broadcast(SPECIES, alpha);
        int i = 0;
        for (; i < bound; i += lanes) {
            FloatVector.fromArray(SPECIES, x, xOff + i).fma(va, FloatVector.fromArray(SPECIES, y, yOff + i))
                    .intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] += alpha * x[xOff + i];
        }
    }

    @Override
    public PackedMatrix pack(float[] w, int n, int k) {
        return scalar.pack(w, n, k);
    }

    @Override
    public void linear(float[] x, int xOff, int m, PackedMatrix w, float[] bias, float[] y, int yOff) {
        int n = w.n, k = w.k;
        for (int r = 0; r < m; r++) {
            for (int c = 0; c < n; c++) {
                float s = dot(x, xOff + r * k, w.data, c * k, k);
                y[yOff + r * n + c] = bias == null ? s : s + bias[c];
            }
        }
    }

    static int preferredBits() {
        return SPECIES.vectorBitSize();
    }
}
