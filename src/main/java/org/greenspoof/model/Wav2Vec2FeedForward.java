package org.greenspoof.model;

/** Mirrors transformers' {@code Wav2Vec2FeedForward}: Linear(H, I), GELU, Linear(I, H). */
final class Wav2Vec2FeedForward {

    final int hidden;
    final int intermediate;
    private final Linear intermediateDense;
    private final Linear outputDense;

    /** w: {@code encoder.layers.{n}.feed_forward}. */
    Wav2Vec2FeedForward(Weights w, int hidden, int intermediate) {
        this.hidden = hidden;
        this.intermediate = intermediate;
        intermediateDense = Linear.read(w, "intermediate_dense", intermediate, hidden);
        outputDense = Linear.read(w, "output_dense", hidden, intermediate);
    }

    /** Multiply-adds x 2 for t frames. */
    double flops(int t) {
        return 2.0 * t * hidden * 2.0 * intermediate;
    }

    /**
     * y[T][H] += FF(x[T][H]), in row tiles so the [T][I] intermediate is never whole. x may be y:
     * a tile is read completely before it is updated.
     */
    void addTo(float[] x, int t, float[] y, Workspace ws) {
        for (int r0 = 0; r0 < t; r0 += ws.ffRows) {
            int rows = Math.min(ws.ffRows, t - r0);
            intermediateDense.apply(x, r0 * hidden, rows, ws.ffInter, 0, ws);
            ws.kernels.gelu(ws.ffInter, 0, rows * intermediate);
            outputDense.apply(ws.ffInter, 0, rows, ws.ffOut, 0, ws);
            ws.kernels.axpy(1f, ws.ffOut, 0, y, r0 * hidden, rows * hidden);
        }
    }
}
