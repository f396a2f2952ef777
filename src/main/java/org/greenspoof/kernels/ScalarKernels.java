package org.greenspoof.kernels;

/** Plain-Java kernels: the fallback on any JVM and the reference the vector path is tested against. */
public final class ScalarKernels implements Kernels {

    @Override
    public String name() {
        return "scalar";
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

    @Override
    public PackedMatrix pack(float[] w, int n, int k) {
        return new PackedMatrix(n, k, w.clone());
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
}
