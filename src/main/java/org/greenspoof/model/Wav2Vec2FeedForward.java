package org.greenspoof.model;

import org.greenspoof.kernels.Kernels;
import org.greenspoof.kernels.PackedMatrix;

/** Mirrors transformers' {@code Wav2Vec2FeedForward}: Linear(H, I), GELU, Linear(I, H). */
final class Wav2Vec2FeedForward {

    final int hidden;
    final int intermediate;
    private final PackedMatrix intermediateDense;
    private final float[] intermediateBias;
    private final PackedMatrix outputDense;
    private final float[] outputBias;

    /** w: {@code encoder.layers.{n}.feed_forward}. */
    Wav2Vec2FeedForward(Weights w, int hidden, int intermediate) {
        this.hidden = hidden;
        this.intermediate = intermediate;
        intermediateDense = w.matrix("intermediate_dense.weight", intermediate, hidden);
        intermediateBias = w.tensor("intermediate_dense.bias", intermediate);
        outputDense = w.matrix("output_dense.weight", hidden, intermediate);
        outputBias = w.tensor("output_dense.bias", hidden);
    }

    /** Multiply-adds x 2 for t frames. */
    double flops(int t) {
        return 2.0 * t * hidden * 2.0 * intermediate;
    }

    /**
     * y[T][H] += FF(x[T][H]), in row tiles so the [T][I] intermediate is never whole. x may be y:
     * a tile is read completely before it is updated.
     */
    void addTo(float[] x, int t, float[] y, Workspace ws, Kernels kernels) {
        for (int r0 = 0; r0 < t; r0 += ws.ffRows) {
            int rows = Math.min(ws.ffRows, t - r0);
            kernels.linear(x, r0 * hidden, rows, intermediateDense, intermediateBias, ws.ffInter, 0);
            kernels.gelu(ws.ffInter, 0, rows * intermediate);
            kernels.linear(ws.ffInter, 0, rows, outputDense, outputBias, ws.ffOut, 0);
            kernels.axpy(1f, ws.ffOut, 0, y, r0 * hidden, rows * hidden);
        }
    }
}
