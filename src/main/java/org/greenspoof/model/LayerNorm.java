package org.greenspoof.model;

import java.io.IOException;
import org.greenspoof.checkpoint.Checkpoint;

/** torch {@code nn.LayerNorm} over the last dimension (population variance, eps inside the sqrt). */
final class LayerNorm {

    final int dim;
    final double eps;
    /** {@code <key>.weight}, shape (dim). */
    private final float[] weight;
    /** {@code <key>.bias}, shape (dim). */
    private final float[] bias;

    LayerNorm(Checkpoint ck, String key, int dim, double eps) throws IOException {
        this.dim = dim;
        this.eps = eps;
        this.weight = ck.tensor(key + ".weight", dim);
        this.bias = ck.tensor(key + ".bias", dim);
    }

    /** Normalises {@code rows} rows of x (stride dim) into y; x and y may be the same array. */
    void apply(float[] x, int xOff, int rows, float[] y, int yOff) {
        for (int r = 0; r < rows; r++) {
            normalizeRow(x, xOff + r * dim, y, yOff + r * dim, dim, eps, weight, bias);
        }
    }

    /**
     * One row of LayerNorm: statistics in double so that float32 inputs with a large mean lose no
     * precision. Shared with the conv stack's per-frame LayerNorm ({@code feat_extract_norm: layer}).
     */
    static void normalizeRow(float[] x, int xi, float[] y, int yi, int dim, double eps, float[] weight, float[] bias) {
        double sum = 0;
        for (int i = 0; i < dim; i++) {
            sum += x[xi + i];
        }
        double mean = sum / dim;
        double sq = 0;
        for (int i = 0; i < dim; i++) {
            double d = x[xi + i] - mean;
            sq += d * d;
        }
        double inv = 1.0 / Math.sqrt(sq / dim + eps);
        for (int i = 0; i < dim; i++) {
            y[yi + i] = (float) ((x[xi + i] - mean) * inv * weight[i] + bias[i]);
        }
    }
}
