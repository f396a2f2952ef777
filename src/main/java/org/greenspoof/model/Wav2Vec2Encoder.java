package org.greenspoof.model;

import java.io.IOException;
import org.greenspoof.checkpoint.Checkpoint;
import org.greenspoof.checkpoint.EncoderConfig;
import org.greenspoof.kernels.Kernels;

/**
 * Mirrors transformers' {@code Wav2Vec2Encoder} / {@code Wav2Vec2EncoderStableLayerNorm} (and the
 * HuBERT and WavLM encoders): positional conv added to the projected features, then the layers.
 * hidden_states[0] is {@code LN(x + pos)} in the post-LN layout and {@code x + pos} in the stable
 * one; hidden_states[n] is layer n's output, except that in the stable layout hidden_states[L]
 * alone carries the final {@code encoder.layer_norm}.
 */
final class Wav2Vec2Encoder {

    /** Receives hidden_states[n] ([T][H], valid only during the call). */
    interface Sink {
        void accept(int layer, float[] h, int t);
    }

    /** Rows per feed-forward tile. */
    private static final int FF_ROWS = 256;

    final boolean stable;
    final int hidden;
    final int numLayers;
    final Wav2Vec2PositionalConvEmbedding posConvEmbed;
    /** {@code encoder.layer_norm.{weight,bias}} (H). */
    final LayerNorm layerNorm;
    final Wav2Vec2EncoderLayer[] layers;
    private final int heads;
    private final int intermediate;

    Wav2Vec2Encoder(Checkpoint ck, EncoderConfig cfg, Kernels kernels) throws IOException {
        stable = cfg.doStableLayerNorm();
        hidden = cfg.hiddenSize();
        heads = cfg.numAttentionHeads();
        intermediate = cfg.intermediateSize();
        numLayers = cfg.numHiddenLayers();
        posConvEmbed = new Wav2Vec2PositionalConvEmbedding(ck, cfg, kernels);
        layerNorm = new LayerNorm(ck, "encoder.layer_norm", hidden, cfg.layerNormEps());
        layers = new Wav2Vec2EncoderLayer[numLayers];
        for (int n = 0; n < numLayers; n++) {
            layers[n] = new Wav2Vec2EncoderLayer(ck, cfg, n, kernels);
        }
    }

    /** Rows per feed-forward tile (the workspace sizes its tile with this). */
    static int ffRows() {
        return FF_ROWS;
    }

    int heads() {
        return heads;
    }

    int intermediate() {
        return intermediate;
    }

    /**
     * Runs layers 1..maxLayer on the projected features x [T][H] (overwritten; ws.x or a caller's
     * array) and hands each hidden state to the sink; nothing above maxLayer is computed.
     * posSink (may be null) receives the positional conv output as layer 0.
     */
    void forward(float[] x, int t, int maxLayer, Sink posSink, Sink sink, Workspace ws, Kernels kernels, int qTile,
            int kTile) {
        float[] pos = ws.attnOut;
        posConvEmbed.forward(x, t, kernels, pos, ws);
        if (posSink != null) {
            posSink.accept(0, pos, t);
        }
        kernels.axpy(1f, pos, 0, x, 0, t * hidden);
        if (!stable) {
            ws.norm.run(layerNorm, x, null, x, t, kernels, ws.partsFor(kernels));
        }
        sink.accept(0, x, t);
        float[] relBias = null;
        for (int n = 1; n <= maxLayer; n++) {
            relBias = layers[n - 1].forward(x, t, relBias, ws, kernels, Math.min(qTile, t), Math.min(kTile, t));
            if (stable && n == numLayers) {
                ws.norm.run(layerNorm, x, null, x, t, kernels, ws.partsFor(kernels));
            }
            sink.accept(n, x, t);
        }
    }
}
