package org.greenspoof.model;

/** torch {@code nn.LayerNorm} over the last dimension (population variance, eps inside the sqrt). */
final class LayerNorm {

    final int dim;
    final double eps;
    private final float[] weight;
    private final float[] bias;

    LayerNorm(Weights w, int dim, double eps) {
        this.dim = dim;
        this.eps = eps;
        this.weight = w.tensor("weight", dim);
        this.bias = w.tensor("bias", dim);
    }

    /**
     * Normalises {@code rows} rows of x (stride dim) into y, adding residual (same layout as x, or
     * null) into x first; x and y may be the same array.
     */
    void apply(float[] x, int xOff, float[] residual, int rows, float[] y, int yOff, Workspace ws) {
        for (int r = 0; r < rows; r++) {
            ws.kernels.layerNorm(x, xOff + r * dim, residual, y, yOff + r * dim, dim, eps, weight, bias);
        }
    }
}
