package org.greenspoof.model;

import org.greenspoof.kernels.Kernels;
import org.greenspoof.kernels.PackedMatrix;

/**
 * A torch {@code nn.Linear(in, out)}: its {@code weight} (out, in) packed for the kernels and its
 * {@code bias} (out), read and applied together; both null in a pass that does not read weights.
 */
record Linear(PackedMatrix weight, float[] bias) {

    /** {@code name.weight} and {@code name.bias} of {@code w}, in that order. */
    static Linear read(Weights w, String name, int out, int in) {
        return new Linear(w.matrix(name + ".weight", out, in), w.tensor(name + ".bias", out));
    }

    /** y[m][out] = x[m][in] . weight^T + bias, x read from xOff and y written from yOff (see {@link Kernels#linear}). */
    void apply(float[] x, int xOff, int m, float[] y, int yOff, Workspace ws) {
        ws.kernels.linear(x, xOff, m, weight, bias, y, yOff);
    }

    /** As {@link #apply(float[], int, int, float[], int, Workspace)} with row i of x at {@code xOff + i * xStride}. */
    void apply(float[] x, int xOff, int xStride, int m, float[] y, int yOff, Workspace ws) {
        ws.kernels.linear(x, xOff, xStride, m, weight, bias, y, yOff);
    }
}
