package org.greenspoof.model;

import java.io.IOException;
import org.greenspoof.checkpoint.Checkpoint;
import org.greenspoof.kernels.Kernels;
import org.greenspoof.kernels.PackedMatrix;

/** Mirrors transformers' {@code Wav2Vec2FeedForward}: Linear(H, I), GELU, Linear(I, H). */
final class Wav2Vec2FeedForward {

    final int hidden;
    final int intermediate;
    /** {@code encoder.layers.{n}.feed_forward.intermediate_dense.weight} (I, H). */
    private final PackedMatrix intermediateDense;
    /** {@code encoder.layers.{n}.feed_forward.intermediate_dense.bias} (I). */
    private final float[] intermediateBias;
    /** {@code encoder.layers.{n}.feed_forward.output_dense.weight} (H, I). */
    private final PackedMatrix outputDense;
    /** {@code encoder.layers.{n}.feed_forward.output_dense.bias} (H). */
    private final float[] outputBias;

    Wav2Vec2FeedForward(Checkpoint ck, String prefix, int hidden, int intermediate, Kernels kernels) throws IOException {
        this.hidden = hidden;
        this.intermediate = intermediate;
        intermediateDense = kernels.pack(ck.scratchTensor(prefix + "intermediate_dense.weight", intermediate, hidden), intermediate, hidden);
        intermediateBias = ck.tensor(prefix + "intermediate_dense.bias", intermediate);
        outputDense = kernels.pack(ck.scratchTensor(prefix + "output_dense.weight", hidden, intermediate), hidden, intermediate);
        outputBias = ck.tensor(prefix + "output_dense.bias", hidden);
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
